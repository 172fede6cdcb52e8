#ifndef BREVIS_SERVER_API_EVENT_SERVICE_H_
#define BREVIS_SERVER_API_EVENT_SERVICE_H_

#include "brevis/v1/event_service.grpc.pb.h"
#include "server/api/event_feed.h"
#include "server/api/service_support.h"
#include "server/app/events.h"

namespace brevis::api {

// brevis.v1.EventService: the change feed, listed and watched.
// Thread-safe; the feed must outlive every watch.
class EventService final : public v1::EventService::CallbackService {
 public:
  EventService(ServiceDeps deps, EventFeed* feed)
      : deps_(deps), feed_(feed), events_(deps.ForApp()) {}

  grpc::ServerUnaryReactor* ListEvents(
      grpc::CallbackServerContext* context,
      const v1::ListEventsRequest* request,
      v1::ListEventsResponse* response) override;
  grpc::ServerWriteReactor<v1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* context,
      const v1::WatchEventsRequest* request) override;

 private:
  const ServiceDeps deps_;
  EventFeed* const feed_;
  app::Events events_;
};

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_EVENT_SERVICE_H_
