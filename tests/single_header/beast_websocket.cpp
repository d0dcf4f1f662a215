// The generated Boost.Beast backend compiles with single_include/ as its only betwire include path.
#include <betwire/beast_websocket.hpp>
#include <betwire/beast_websocket.hpp>
