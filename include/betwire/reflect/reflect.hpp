#ifndef BETWIRE_REFLECT_REFLECT_HPP
#define BETWIRE_REFLECT_REFLECT_HPP

// Compile-time reflection of aggregates and enums: everything under betwire/reflect/.

#include <betwire/reflect/enums.hpp>
#include <betwire/reflect/fields.hpp>
#include <betwire/reflect/naming.hpp>

#endif  // BETWIRE_REFLECT_REFLECT_HPP
