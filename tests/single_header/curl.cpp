// The generated curl backend compiles with single_include/ as its only betwire include path.
#include <betwire/curl.hpp>
#include <betwire/curl.hpp>
#include <betwire/curl_multi.hpp>
#include <betwire/curl_multi.hpp>
