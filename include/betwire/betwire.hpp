#ifndef BETWIRE_BETWIRE_HPP
#define BETWIRE_BETWIRE_HPP

// betwire: the whole library except optional backends. The libcurl transport is separate:
// #include <betwire/transport/curl.hpp> and link libcurl (CMake: betwire::curl).
//
// `python3 tools/amalgamate.py --check` fails when a header under include/betwire is not reachable
// from here; `python3 tools/amalgamate.py --umbrella` rewrites the list between the markers.

// betwire-umbrella-begin
#include <betwire/version.hpp>
#include <betwire/core/config.hpp>
#include <betwire/core/decimal.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/core/timestamp.hpp>
#include <betwire/core/timestamp_chrono.hpp>
#include <betwire/core/uuid.hpp>
#include <betwire/reflect/enums.hpp>
#include <betwire/reflect/fields.hpp>
#include <betwire/reflect/naming.hpp>
#include <betwire/reflect/reflect.hpp>
#include <betwire/json/json.hpp>
#include <betwire/json/object_map.hpp>
#include <betwire/json/options.hpp>
#include <betwire/json/quoted.hpp>
#include <betwire/json/raw.hpp>
#include <betwire/json/read.hpp>
#include <betwire/json/write.hpp>
#include <betwire/http/client.hpp>
#include <betwire/http/concurrent.hpp>
#include <betwire/http/encode.hpp>
#include <betwire/http/endpoint.hpp>
#include <betwire/http/error_body.hpp>
#include <betwire/http/message.hpp>
#include <betwire/http/observer.hpp>
#include <betwire/http/operations.hpp>
#include <betwire/http/pacing.hpp>
#include <betwire/http/pages.hpp>
#include <betwire/http/retry.hpp>
#include <betwire/http/secret.hpp>
#include <betwire/http/transport.hpp>
#include <betwire/abp/abp.hpp>
#include <betwire/abp/client.hpp>
#include <betwire/abp/endpoints.hpp>
#include <betwire/abp/errors.hpp>
#include <betwire/abp/operations.hpp>
#include <betwire/abp/schema.hpp>
#include <betwire/abp/stream.hpp>
#include <betwire/abp/stream_driver.hpp>
#include <betwire/abp/stream_schema.hpp>
#include <betwire/predictstreet/client.hpp>
#include <betwire/predictstreet/endpoints.hpp>
#include <betwire/predictstreet/errors.hpp>
#include <betwire/predictstreet/operations.hpp>
#include <betwire/predictstreet/predictstreet.hpp>
#include <betwire/predictstreet/schema.hpp>
#include <betwire/opinion/client.hpp>
#include <betwire/opinion/endpoints.hpp>
#include <betwire/opinion/errors.hpp>
#include <betwire/opinion/operations.hpp>
#include <betwire/opinion/opinion.hpp>
#include <betwire/opinion/schema.hpp>
#include <betwire/ws/websocket.hpp>
// betwire-umbrella-end

#endif  // BETWIRE_BETWIRE_HPP
