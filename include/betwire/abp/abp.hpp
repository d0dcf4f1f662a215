#ifndef BETWIRE_ABP_ABP_HPP
#define BETWIRE_ABP_ABP_HPP

// ABP v2 (55-tech): schema types, sans-I/O endpoint descriptors and abp::client. See docs/abp.md.

#include <betwire/abp/client.hpp>
#include <betwire/abp/endpoints.hpp>
#include <betwire/abp/errors.hpp>
#include <betwire/abp/operations.hpp>
#include <betwire/abp/schema.hpp>

#endif  // BETWIRE_ABP_ABP_HPP
