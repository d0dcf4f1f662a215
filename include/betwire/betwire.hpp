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
#include <betwire/core/uuid.hpp>
#include <betwire/reflect/enums.hpp>
#include <betwire/reflect/fields.hpp>
#include <betwire/reflect/naming.hpp>
#include <betwire/reflect/reflect.hpp>
// betwire-umbrella-end

#endif  // BETWIRE_BETWIRE_HPP
