// ODR test: odr_a.cpp and odr_b.cpp both include the umbrella header and use the same inline
// functions and templates; linking them into one program fails on any non-inline definition in a
// header, and running it checks both copies behave as one.
#ifndef BETWIRE_TESTS_ODR_HPP
#define BETWIRE_TESTS_ODR_HPP

#include <string>

std::string odr_a_describe();
std::string odr_b_describe();
int odr_a_value();
int odr_b_value();

#endif
