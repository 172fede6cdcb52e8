#ifndef BREVIS_CLIENT_LIB_WEB_STYLE_CSS_H_
#define BREVIS_CLIENT_LIB_WEB_STYLE_CSS_H_

#include <string_view>

namespace brevis::web {

// client-lib/web/style.css, compiled in (style_css.cc.in) so that the
// binary serves it at /static/style.css with no files beside it.
extern const std::string_view kStyleCss;

}  // namespace brevis::web

#endif  // BREVIS_CLIENT_LIB_WEB_STYLE_CSS_H_
