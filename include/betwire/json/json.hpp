#ifndef BETWIRE_JSON_JSON_HPP
#define BETWIRE_JSON_JSON_HPP

// The JSON codec: json::decode, json::encode, json::validate, json::raw, json::object_map.

#include <betwire/json/object_map.hpp>
#include <betwire/json/options.hpp>
#include <betwire/json/quoted.hpp>
#include <betwire/json/raw.hpp>
#include <betwire/json/read.hpp>
#include <betwire/json/write.hpp>

#endif  // BETWIRE_JSON_JSON_HPP
