#ifndef BREVIS_CLIENT_LIB_WEB_ROUTER_H_
#define BREVIS_CLIENT_LIB_WEB_ROUTER_H_

// Routes a method and a path to a handler. Patterns are paths whose
// segments are literal or "{}" (one non-empty segment, captured), e.g.
// "/audits/{}/findings/new". Filled once at start, then read-only: Match is
// thread-safe.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace brevis::web {

template <typename Handler>
class Router {
 public:
  // `methods` is "GET", "POST" or "GET POST".
  void Add(std::string_view methods, std::string_view pattern,
           Handler handler) {
    routes_.push_back({std::string(methods), Split(pattern), handler});
  }

  struct Match {
    const Handler* handler = nullptr;  // null: no route for the path
    bool method_allowed = false;       // the path has a route, this method?
    std::vector<std::string> captures;
  };

  Match Find(std::string_view method, std::string_view path) const {
    Match result;
    std::vector<std::string> segments = Split(path);
    for (const Route& route : routes_) {
      std::vector<std::string> captures;
      if (!Matches(route.segments, segments, captures)) continue;
      result.handler = &route.handler;
      result.captures = std::move(captures);
      if (Contains(route.methods, method)) {
        result.method_allowed = true;
        return result;
      }
    }
    return result;
  }

 private:
  struct Route {
    std::string methods;
    std::vector<std::string> segments;
    Handler handler;
  };

  static bool Contains(std::string_view methods, std::string_view method) {
    size_t at = methods.find(method);
    return !method.empty() && at != std::string_view::npos &&
           (at + method.size() == methods.size() ||
            methods[at + method.size()] == ' ');
  }

  static std::vector<std::string> Split(std::string_view path) {
    std::vector<std::string> out;
    size_t start = 1;
    while (start <= path.size()) {
      size_t slash = path.find('/', start);
      if (slash == std::string_view::npos) slash = path.size();
      out.emplace_back(path.substr(start, slash - start));
      start = slash + 1;
    }
    return out;
  }

  static bool Matches(const std::vector<std::string>& pattern,
                      const std::vector<std::string>& path,
                      std::vector<std::string>& captures) {
    if (pattern.size() != path.size()) return false;
    for (size_t i = 0; i < pattern.size(); ++i) {
      if (pattern[i] == "{}") {
        if (path[i].empty()) return false;
        captures.push_back(path[i]);
      } else if (pattern[i] != path[i]) {
        return false;
      }
    }
    return true;
  }

  std::vector<Route> routes_;
};

}  // namespace brevis::web

#endif  // BREVIS_CLIENT_LIB_WEB_ROUTER_H_
