#include "server/app/call.h"

#include "server/store/rows.h"

namespace brevis::app {

v1::AccessLogEntry Call::Entry(v1::AccessKind kind,
                               std::string resource) const {
  v1::AccessLogEntry entry;
  store::SetTimestamp(absl::ToUnixMicros(time), entry.mutable_time());
  entry.set_principal(caller.name);
  entry.set_method(method);
  entry.set_kind(kind);
  entry.set_resource(std::move(resource));
  entry.set_request_id(request_id);
  entry.set_peer(peer);
  return entry;
}

}  // namespace brevis::app
