#ifndef BREVIS_SERVER_APP_DEPENDENCIES_H_
#define BREVIS_SERVER_APP_DEPENDENCIES_H_

#include "server/app/access_recorder.h"
#include "server/auth/page_token.h"
#include "server/domain/clock.h"
#include "server/store/database.h"

namespace brevis::app {

// What the use cases borrow. The owner (api::ApiServer, or a test) keeps
// every pointee alive and thread-safe for as long as any use case runs.
struct Dependencies {
  store::Database* db;
  const domain::Clock* clock;
  const auth::PageTokenCodec* page_tokens;
  AccessRecorder* access;
};

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_DEPENDENCIES_H_
