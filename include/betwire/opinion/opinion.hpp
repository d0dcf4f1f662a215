#ifndef BETWIRE_OPINION_OPINION_HPP
#define BETWIRE_OPINION_OPINION_HPP

// Opinion.trade (builder mode, user calls): schema types, sans-I/O endpoint descriptors, the rate
// limiter and opinion::client. See docs/opinion.md.

#include <betwire/opinion/client.hpp>
#include <betwire/opinion/endpoints.hpp>
#include <betwire/opinion/errors.hpp>
#include <betwire/opinion/operations.hpp>
#include <betwire/opinion/schema.hpp>

#endif  // BETWIRE_OPINION_OPINION_HPP
