#ifndef BREVIS_SERVER_API_EVENT_SERVICE_H_
#define BREVIS_SERVER_API_EVENT_SERVICE_H_

#include "brevis/v1/event_service.grpc.pb.h"
#include "server/api/event_feed.h"
#include "server/api/rpc_table.h"
#include "server/api/service_support.h"
#include "server/app/use_cases.h"

namespace brevis::api {

// brevis.v1.EventService: the change feed, listed (from the RPC table, see
// services.h) and watched (the one stream, in event_service.cc).
// Thread-safe; borrows `deps`, `use_cases` and the feed, which must outlive
// every watch.
class EventService final : public v1::EventService::CallbackService {
 public:
  EventService(ServiceDeps deps, app::UseCases* use_cases, EventFeed* feed)
      : deps_(deps), use_cases_(use_cases), feed_(feed) {}

  BREVIS_EVENT_SERVICE_RPCS(BREVIS_DECLARE_UNARY_RPC)
  grpc::ServerWriteReactor<v1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* context,
      const v1::WatchEventsRequest* request) override;

 private:
  const ServiceDeps deps_;
  app::UseCases* const use_cases_;
  EventFeed* const feed_;
};

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_EVENT_SERVICE_H_
