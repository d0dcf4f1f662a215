// The decoders the benchmark races: betwire itself and the peers (simdjson On-Demand, RapidJSON
// DOM and in-situ, nlohmann::json), each decoding an ABP page into the SAME structs.
//
// Every peer walks its own document with its own API and decodes each field with its type:
//   - decimals through betwire::decimal::from_chars on the number's text (simdjson:
//     raw_json_token(); RapidJSON: kParseNumbersAsStringsFlag; nlohmann keeps only the double,
//     so its shortest round-trip text is used: the value is exact, the wire spelling is not);
//   - timestamps through betwire::timestamp::from_chars / from_unix_seconds;
//   - enums by their wire string (betwire::reflect::enum_from_wire, unknown values -> unknown);
//   - meta as raw text where the library exposes it (simdjson object::raw_json()), otherwise
//     re-serialised by the library's writer into an arena reserved once.
// Peers are driven generically by betwire's reflection (the same member list and the same key
// lookup, json::detail::find_field, that betwire uses), so what differs between rows is the JSON
// layer, not hand-written glue. Each decoder object is reused between decodes: documents,
// parsers, pools and the destination page keep their capacity (a warm race, not a cold one).
#ifndef BETWIRE_BENCHMARKS_PEERS_HPP
#define BETWIRE_BENCHMARKS_PEERS_HPP

#include <betwire/abp/schema.hpp>
#include <betwire/json/json.hpp>

#include "checksum.hpp"

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#ifndef BETWIRE_BENCH_HAVE_SIMDJSON
#  define BETWIRE_BENCH_HAVE_SIMDJSON 0
#endif
#ifndef BETWIRE_BENCH_HAVE_RAPIDJSON
#  define BETWIRE_BENCH_HAVE_RAPIDJSON 0
#endif
#ifndef BETWIRE_BENCH_HAVE_NLOHMANN
#  define BETWIRE_BENCH_HAVE_NLOHMANN 0
#endif

#if BETWIRE_BENCH_HAVE_SIMDJSON
#  include <simdjson.h>
#endif
#if BETWIRE_BENCH_HAVE_RAPIDJSON
#  include <rapidjson/document.h>
#  include <rapidjson/writer.h>
#endif
#if BETWIRE_BENCH_HAVE_NLOHMANN
#  include <nlohmann/json.hpp>
#endif

namespace betwire_bench {

namespace bw = betwire;

[[noreturn]] inline void die(const char* who, const char* what) {
  std::fprintf(stderr, "\n*** %s: %s\n", who, what);
  std::fflush(stderr);
  std::abort();
}

template <class Str>
inline void set_text(Str& out, std::string_view s) {
  if constexpr (std::is_same_v<Str, std::string_view>) out = s;
  else out.assign(s.data(), s.size());
}

template <class E>
inline E enum_from_text(std::string_view s) {
  if (auto e = bw::reflect::enum_from_wire<E>(s)) return *e;
  return E::unknown;
}

template <class T>
inline int field_of(std::string_view key, std::size_t hint) {
  return bw::json::detail::find_field<T>(key, hint);
}

template <class Vec, class Each>
inline void fill_vector(Vec& vec, std::size_t& count, Each&& each) {
  if (count == vec.size()) vec.emplace_back();
  each(vec[count]);
  ++count;
}
template <class Vec>
inline void trim_vector(Vec& vec, std::size_t count) {
  if (vec.size() > count) vec.erase(vec.begin() + static_cast<std::ptrdiff_t>(count), vec.end());
}

// Function-pointer table over the members of T: table[i](reader, obj, value) reads member i.
template <class Reader, class T, class V>
struct member_table {
  template <std::size_t I>
  static void one(Reader& r, T& obj, V v) {
    r.read(bw::reflect::get<I>(obj), v);
  }
  static constexpr auto table = []<std::size_t... I>(std::index_sequence<I...>) {
    return std::array<void (*)(Reader&, T&, V), sizeof...(I)>{&one<I>...};
  }(std::make_index_sequence<bw::reflect::field_count_v<T>>{});
};

inline std::string_view trim_right(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// ---- betwire ---------------------------------------------------------------------------------------

// Decodes in place: `buffer` must hold a fresh copy of the page (the caller restores it).
template <class Page>
struct betwire_decoder {
  Page page;
  void decode(std::string& buffer) {
    auto r = bw::json::decode(buffer, page);
    if (!r) die("betwire", r.error().describe().c_str());
  }
};

// ---- simdjson On-Demand ------------------------------------------------------------------------------
#if BETWIRE_BENCH_HAVE_SIMDJSON
namespace sj = simdjson::ondemand;

#  define BETWIRE_SJ(expr)                                                     \
    do {                                                                     \
      if (auto sj_error_ = (expr); sj_error_ != simdjson::SUCCESS)           \
        die("simdjson", simdjson::error_message(sj_error_));                 \
    } while (0)

// ByKey = true: the simdjson idiom, object["key"] (find_field_unordered) for each member in
// declaration order: fastest when keys come in that order, still correct when they do not.
// ByKey = false: iterate the object's fields and look each key up (order-independent).
template <class Page, bool ByKey>
struct simdjson_decoder {
  sj::parser parser;
  Page page;

  void decode(const simdjson::padded_string& text) {
    sj::document doc;
    BETWIRE_SJ(parser.iterate(text).get(doc));
    sj::object o;
    BETWIRE_SJ(doc.get_object().get(o));
    read_object(page, o);
  }

  template <class T>
  void read_object(T& out, sj::object& o) {
    if constexpr (ByKey) {
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        (read_member<I>(out, o), ...);
      }(std::make_index_sequence<bw::reflect::field_count_v<T>>{});
    } else {
      std::size_t hint = 0;
      for (auto member : o) {
        sj::field f;
        BETWIRE_SJ(std::move(member).get(f));
        std::string_view key;
        BETWIRE_SJ(f.unescaped_key().get(key));
        const int i = field_of<T>(key, hint);
        if (i < 0) continue;  // unknown key: skipped
        member_table<simdjson_decoder, T, sj::value>::table[static_cast<std::size_t>(i)](*this, out, f.value());
        hint = static_cast<std::size_t>(i) + 1;
      }
    }
  }

  template <std::size_t I, class T>
  void read_member(T& out, sj::object& o) {
    sj::value v;
    auto found = o.find_field_unordered(bw::reflect::wire_name_v<T, I>).get(v);
    // An optional member the page leaves out (the spec's newer bet fields, say) is simply absent.
    if constexpr (is_optional_v<std::remove_cvref_t<decltype(bw::reflect::get<I>(out))>>) {
      if (found == simdjson::NO_SUCH_FIELD) {
        bw::reflect::get<I>(out).reset();
        return;
      }
    }
    BETWIRE_SJ(found);
    read(bw::reflect::get<I>(out), v);
  }

  template <class T>
  void read(T& out, sj::value v) {
    if constexpr (is_optional_v<T>) {
      bool null = false;
      BETWIRE_SJ(v.is_null().get(null));
      if (null) {
        out.reset();
      } else {
        if (!out) out.emplace();
        read(*out, v);
      }
    } else if constexpr (std::is_same_v<T, bool>) {
      BETWIRE_SJ(v.get_bool().get(out));
    } else if constexpr (std::is_enum_v<T>) {
      std::string_view s;
      BETWIRE_SJ(v.get_string().get(s));
      out = enum_from_text<T>(s);
    } else if constexpr (std::is_integral_v<T>) {
      std::int64_t x = 0;
      BETWIRE_SJ(v.get_int64().get(x));
      out = static_cast<T>(x);
    } else if constexpr (std::is_same_v<T, bw::decimal>) {
      sj::json_type t;
      BETWIRE_SJ(v.type().get(t));
      if (t != sj::json_type::number) die("simdjson", "decimal: not a number");
      if (bw::decimal::from_chars(trim_right(v.raw_json_token()), out) != bw::errc::none) die("simdjson", "bad decimal");
    } else if constexpr (std::is_same_v<T, bw::timestamp>) {
      sj::json_type t;
      BETWIRE_SJ(v.type().get(t));
      if (t == sj::json_type::string) {
        std::string_view s;
        BETWIRE_SJ(v.get_string().get(s));
        if (bw::timestamp::from_chars(s, out) != bw::errc::none) die("simdjson", "bad timestamp");
      } else {
        std::int64_t x = 0;
        BETWIRE_SJ(v.get_int64().get(x));
        out = bw::timestamp::from_unix_seconds(x);
      }
    } else if constexpr (std::is_same_v<T, std::string_view> || std::is_same_v<T, std::string>) {
      std::string_view s;
      BETWIRE_SJ(v.get_string().get(s));
      set_text(out, s);
    } else if constexpr (is_raw_v<T>) {
      bool null = false;
      BETWIRE_SJ(v.is_null().get(null));
      std::string_view s = "null";
      if (!null) {
        sj::object o;
        BETWIRE_SJ(v.get_object().get(o));
        BETWIRE_SJ(o.raw_json().get(s));
      }
      set_text(out.text, s);
    } else if constexpr (is_vector_v<T>) {
      sj::array a;
      BETWIRE_SJ(v.get_array().get(a));
      std::size_t count = 0;
      for (auto element : a) {
        sj::value ev;
        BETWIRE_SJ(element.get(ev));
        fill_vector(out, count, [&](auto& slot) { read(slot, ev); });
      }
      trim_vector(out, count);
    } else {
      sj::object o;
      BETWIRE_SJ(v.get_object().get(o));
      read_object(out, o);
    }
  }
};

// Floors: simdjson's parse of the whole document without materialising anything.
struct simdjson_floor_ondemand {  // On-Demand: iterate, then walk every order (count_elements)
  sj::parser parser;
  std::size_t decode(const simdjson::padded_string& text) {
    sj::document doc;
    BETWIRE_SJ(parser.iterate(text).get(doc));
    sj::array orders;
    BETWIRE_SJ(doc["orders"].get_array().get(orders));
    std::size_t n = 0;
    BETWIRE_SJ(orders.count_elements().get(n));
    return n;
  }
};
struct simdjson_floor_dom {  // DOM: stage 1 + stage 2 (the tape), validating the whole document
  simdjson::dom::parser parser;
  std::size_t decode(const simdjson::padded_string& text) {
    simdjson::dom::element root;
    if (auto e = parser.parse(text).get(root); e != simdjson::SUCCESS) die("simdjson dom", simdjson::error_message(e));
    return root.is_object() ? 1 : 0;
  }
};
#endif

// ---- RapidJSON -------------------------------------------------------------------------------------
#if BETWIRE_BENCH_HAVE_RAPIDJSON
// Both the DOM and its parse stack live in pools over buffers allocated once and cleared before
// each parse: RapidJSON's own way of parsing repeatedly without touching the heap.
using rj_pool = rapidjson::MemoryPoolAllocator<rapidjson::CrtAllocator>;
using rj_document = rapidjson::GenericDocument<rapidjson::UTF8<>, rj_pool, rj_pool>;
using rj_value = rj_document::ValueType;

// Writes into a std::string (the meta arena).
struct rj_string_stream {
  using Ch = char;
  std::string* out;
  void Put(char c) { out->push_back(c); }
  void Flush() {}
};

// RapidJSON's writer, except that strings holding a JSON number are written as numbers: with
// kParseNumbersAsStringsFlag the DOM keeps numbers as strings, and the meta objects of these
// pages hold no string that looks like a number (see page_generator.hpp).
struct rj_meta_writer {
  rapidjson::Writer<rj_string_stream>& w;
  static bool looks_numeric(const char* s, rapidjson::SizeType n) {
    if (n == 0) return false;
    for (rapidjson::SizeType i = 0; i < n; ++i) {
      const char c = s[i];
      if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) return false;
    }
    return (s[0] >= '0' && s[0] <= '9') || s[0] == '-';
  }
  bool Null() { return w.Null(); }
  bool Bool(bool b) { return w.Bool(b); }
  bool Int(int i) { return w.Int(i); }
  bool Uint(unsigned u) { return w.Uint(u); }
  bool Int64(std::int64_t i) { return w.Int64(i); }
  bool Uint64(std::uint64_t u) { return w.Uint64(u); }
  bool Double(double d) { return w.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) { return w.RawValue(s, n, rapidjson::kNumberType); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return looks_numeric(s, n) ? w.RawValue(s, n, rapidjson::kNumberType) : w.String(s, n, copy);
  }
  bool StartObject() { return w.StartObject(); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return w.Key(s, n, copy); }
  bool EndObject(rapidjson::SizeType n) { return w.EndObject(n); }
  bool StartArray() { return w.StartArray(); }
  bool EndArray(rapidjson::SizeType n) { return w.EndArray(n); }
};

template <class Page, bool Insitu>
struct rapidjson_decoder {
  static constexpr unsigned flags = unsigned{rapidjson::kParseNumbersAsStringsFlag} |
                                    unsigned{rapidjson::kParseValidateEncodingFlag} |
                                    (Insitu ? unsigned{rapidjson::kParseInsituFlag} : 0u);
  std::vector<char> value_buffer;
  std::vector<char> stack_buffer;
  rj_pool value_pool;
  rj_pool stack_pool;
  rj_document doc;
  std::string arena;  // re-serialised meta objects; reserved once, never reallocated
  rj_string_stream arena_stream{&arena};
  rapidjson::Writer<rj_string_stream> writer{arena_stream};  // reused: its stack keeps its capacity
  Page page;

  explicit rapidjson_decoder(std::size_t page_bytes)
      : value_buffer(page_bytes * 5 + (1u << 20)),
        stack_buffer(page_bytes / 2 + (1u << 20)),
        value_pool(value_buffer.data(), value_buffer.size()),
        stack_pool(stack_buffer.data(), stack_buffer.size()),
        doc(&value_pool, 1024, &stack_pool) {
    arena.reserve(page_bytes);
  }

  // In-situ: `buffer` must hold a fresh, NUL-terminated copy of the page (the caller restores it).
  void decode(std::string& buffer) {
    value_pool.Clear();
    stack_pool.Clear();
    arena.clear();
    if constexpr (Insitu) doc.ParseInsitu<flags>(buffer.data());
    else doc.Parse<flags>(buffer.data(), buffer.size());
    if (doc.HasParseError()) {
      std::fprintf(stderr, "rapidjson: error %d at byte %zu\n", static_cast<int>(doc.GetParseError()), doc.GetErrorOffset());
      die("rapidjson", "parse error");
    }
    read(page, static_cast<const rj_value&>(doc));
  }

  static std::string_view text(const rj_value& v) {
    if (!v.IsString()) die("rapidjson", "expected a string");
    return {v.GetString(), v.GetStringLength()};
  }

  template <class T>
  void read(T& out, const rj_value& v) {
    if constexpr (is_optional_v<T>) {
      if (v.IsNull()) {
        out.reset();
      } else {
        if (!out) out.emplace();
        read(*out, v);
      }
    } else if constexpr (std::is_same_v<T, bool>) {
      if (!v.IsBool()) die("rapidjson", "expected a bool");
      out = v.GetBool();
    } else if constexpr (std::is_enum_v<T>) {
      out = enum_from_text<T>(text(v));
    } else if constexpr (std::is_integral_v<T>) {
      const auto s = text(v);  // numbers arrive as strings
      if (std::from_chars(s.data(), s.data() + s.size(), out).ptr != s.data() + s.size()) die("rapidjson", "bad integer");
    } else if constexpr (std::is_same_v<T, bw::decimal>) {
      if (bw::decimal::from_chars(text(v), out) != bw::errc::none) die("rapidjson", "bad decimal");
    } else if constexpr (std::is_same_v<T, bw::timestamp>) {
      const auto s = text(v);
      if (bw::timestamp::from_chars(s, out) != bw::errc::none) {
        std::int64_t x = 0;
        if (std::from_chars(s.data(), s.data() + s.size(), x).ptr != s.data() + s.size()) die("rapidjson", "bad timestamp");
        out = bw::timestamp::from_unix_seconds(x);
      }
    } else if constexpr (std::is_same_v<T, std::string_view> || std::is_same_v<T, std::string>) {
      set_text(out, text(v));
    } else if constexpr (is_raw_v<T>) {
      if (v.IsNull()) {
        set_text(out.text, "null");
      } else {
        const std::size_t start = arena.size();
        const char* const before = arena.data();
        writer.Reset(arena_stream);
        rj_meta_writer w{writer};
        v.Accept(w);
        if (arena.data() != before) die("rapidjson", "meta arena reallocated");
        set_text(out.text, std::string_view(arena).substr(start));
      }
    } else if constexpr (is_vector_v<T>) {
      if (!v.IsArray()) die("rapidjson", "expected an array");
      std::size_t count = 0;
      for (const auto& e : v.GetArray()) fill_vector(out, count, [&](auto& slot) { read(slot, e); });
      trim_vector(out, count);
    } else {
      if (!v.IsObject()) die("rapidjson", "expected an object");
      std::size_t hint = 0;
      for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
        const int i = field_of<T>(text(m->name), hint);
        if (i < 0) continue;
        member_table<rapidjson_decoder, T, const rj_value&>::table[static_cast<std::size_t>(i)](*this, out, m->value);
        hint = static_cast<std::size_t>(i) + 1;
      }
    }
  }
};
#endif

// ---- nlohmann::json ----------------------------------------------------------------------------------
#if BETWIRE_BENCH_HAVE_NLOHMANN
template <class Page>
struct nlohmann_decoder {
  nlohmann::json doc;  // kept: the view model's strings point into it
  std::string arena;   // meta objects, dumped; reserved once
  Page page;

  explicit nlohmann_decoder(std::size_t page_bytes) { arena.reserve(page_bytes); }

  void decode(const std::string& text) {
    doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) die("nlohmann", "parse error");
    arena.clear();
    read(page, static_cast<const nlohmann::json&>(doc));
  }

  static std::string_view text(const nlohmann::json& v) {
    if (!v.is_string()) die("nlohmann", "expected a string");
    return v.get_ref<const std::string&>();
  }

  template <class T>
  void read(T& out, const nlohmann::json& v) {
    if constexpr (is_optional_v<T>) {
      if (v.is_null()) {
        out.reset();
      } else {
        if (!out) out.emplace();
        read(*out, v);
      }
    } else if constexpr (std::is_same_v<T, bool>) {
      if (!v.is_boolean()) die("nlohmann", "expected a bool");
      out = v.get<bool>();
    } else if constexpr (std::is_enum_v<T>) {
      out = enum_from_text<T>(text(v));
    } else if constexpr (std::is_integral_v<T>) {
      if (!v.is_number_integer()) die("nlohmann", "expected an integer");
      out = v.get<T>();
    } else if constexpr (std::is_same_v<T, bw::decimal>) {
      // nlohmann keeps the number, not its text: write the shortest text that reads back the same.
      char buf[64];
      std::to_chars_result r{};
      if (v.is_number_unsigned()) r = std::to_chars(buf, buf + sizeof buf, v.get<std::uint64_t>());
      else if (v.is_number_integer()) r = std::to_chars(buf, buf + sizeof buf, v.get<std::int64_t>());
      else if (v.is_number_float()) r = std::to_chars(buf, buf + sizeof buf, v.get<double>());
      else die("nlohmann", "expected a number");
      if (bw::decimal::from_chars(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)), out) != bw::errc::none)
        die("nlohmann", "bad decimal");
    } else if constexpr (std::is_same_v<T, bw::timestamp>) {
      if (v.is_string()) {
        if (bw::timestamp::from_chars(text(v), out) != bw::errc::none) die("nlohmann", "bad timestamp");
      } else {
        if (!v.is_number_integer()) die("nlohmann", "expected a timestamp");
        out = bw::timestamp::from_unix_seconds(v.get<std::int64_t>());
      }
    } else if constexpr (std::is_same_v<T, std::string_view> || std::is_same_v<T, std::string>) {
      set_text(out, text(v));
    } else if constexpr (is_raw_v<T>) {
      if (v.is_null()) {
        set_text(out.text, "null");
      } else {
        const std::size_t start = arena.size();
        const char* const before = arena.data();
        arena += v.dump();  // std::map keeps keys sorted; the generator writes meta sorted
        if (arena.data() != before) die("nlohmann", "meta arena reallocated");
        set_text(out.text, std::string_view(arena).substr(start));
      }
    } else if constexpr (is_vector_v<T>) {
      if (!v.is_array()) die("nlohmann", "expected an array");
      std::size_t count = 0;
      for (const auto& e : v.get_ref<const nlohmann::json::array_t&>())
        fill_vector(out, count, [&](auto& slot) { read(slot, e); });
      trim_vector(out, count);
    } else {
      if (!v.is_object()) die("nlohmann", "expected an object");
      std::size_t hint = 0;
      for (const auto& [key, value] : v.get_ref<const nlohmann::json::object_t&>()) {
        const int i = field_of<T>(key, hint);
        if (i < 0) continue;
        member_table<nlohmann_decoder, T, const nlohmann::json&>::table[static_cast<std::size_t>(i)](*this, out, value);
        hint = static_cast<std::size_t>(i) + 1;
      }
    }
  }
};
#endif

}  // namespace betwire_bench

#endif  // BETWIRE_BENCHMARKS_PEERS_HPP
