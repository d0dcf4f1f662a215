#ifndef BETWIRE_PREDICTSTREET_PREDICTSTREET_HPP
#define BETWIRE_PREDICTSTREET_PREDICTSTREET_HPP

// PredictStreet core-api: schema types, sans-I/O endpoint descriptors and predictstreet::client.
// See docs/predictstreet.md.

#include <betwire/predictstreet/client.hpp>
#include <betwire/predictstreet/endpoints.hpp>
#include <betwire/predictstreet/errors.hpp>
#include <betwire/predictstreet/operations.hpp>
#include <betwire/predictstreet/schema.hpp>

#endif  // BETWIRE_PREDICTSTREET_PREDICTSTREET_HPP
