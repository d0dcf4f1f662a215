// betwire_simulator: shared helpers.
#include "sim.hpp"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace sim {

// --- Rng --------------------------------------------------------------------------------------
std::string Rng::hex(std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n);
  std::uint64_t bits = 0;
  int left = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (left == 0) {
      bits = next();
      left = 16;
    }
    out.push_back(digits[bits & 0xFU]);
    bits >>= 4;
    --left;
  }
  return out;
}

std::string Rng::uuid4() {
  std::string h = hex(32);
  h[12] = '4';
  static constexpr char variant[] = "89ab";
  h[16] = variant[next() % 4U];
  return h.substr(0, 8) + '-' + h.substr(8, 4) + '-' + h.substr(12, 4) + '-' + h.substr(16, 4) + '-' +
         h.substr(20, 12);
}

// --- time -------------------------------------------------------------------------------------
namespace {
// Howard Hinnant's civil-date algorithms.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2 ? 1 : 0;
}
}  // namespace

std::string format_iso(micros t, int frac_digits, std::string_view zone) {
  std::int64_t secs = t / 1000000;
  std::int64_t us = t % 1000000;
  if (us < 0) {
    us += 1000000;
    secs -= 1;
  }
  std::int64_t days = secs / 86400;
  std::int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld", static_cast<long long>(y), m, d,
                static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                static_cast<long long>(rem % 60));
  std::string out = buf;
  if (frac_digits > 0) {
    char f[16];
    std::snprintf(f, sizeof f, "%06lld", static_cast<long long>(us));
    out += '.';
    out.append(f, static_cast<std::size_t>(std::min(frac_digits, 6)));
  }
  out += zone;
  return out;
}

std::optional<micros> parse_iso(std::string_view s) {
  auto num = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
    if (pos + len > s.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      s[13] != ':' || s[16] != ':')
    return std::nullopt;
  auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), se = num(17, 2);
  if (!y || !mo || !d || !h || !mi || !se || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 ||
      *mi > 59 || *se > 60)
    return std::nullopt;
  std::size_t pos = 19;
  std::int64_t us = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (digits < 6) {
        us = us * 10 + (s[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 6; ++digits) us *= 10;
  }
  std::int64_t offset_s = 0;
  if (pos == s.size()) {
    // no zone: UTC
  } else if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
  } else if ((s[pos] == '+' || s[pos] == '-') && pos + 6 == s.size() && s[pos + 3] == ':') {
    auto oh = num(pos + 1, 2), om = num(pos + 4, 2);
    if (!oh || !om) return std::nullopt;
    offset_s = (*oh * 3600 + *om * 60) * (s[pos] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  const std::int64_t days = days_from_civil(*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d));
  const std::int64_t secs = days * 86400 + *h * 3600 + *mi * 60 + *se - offset_s;
  return secs * 1000000 + us;
}

// --- decimals ---------------------------------------------------------------------------------
namespace {
constexpr std::string_view kDecimalMark = "\x01#";
}

std::string format_units(std::int64_t units, int scale) {
  const bool neg = units < 0;
  auto u = static_cast<std::uint64_t>(neg ? -units : units);
  std::string digits = std::to_string(u);
  const auto sc = static_cast<std::size_t>(scale);
  if (digits.size() <= sc) digits.insert(0, sc - digits.size() + 1, '0');
  std::string out = digits.substr(0, digits.size() - sc);
  std::string frac = digits.substr(digits.size() - sc);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  if (!frac.empty()) out += '.' + frac;
  if (neg && out != "0") out.insert(0, 1, '-');
  return out;
}

bool is_decimal_text(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  const std::size_t int_start = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i == int_start) return false;
  if (i - int_start > 1 && s[int_start] == '0') return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const std::size_t frac_start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == frac_start) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const std::size_t exp_start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == exp_start) return false;
  }
  return i == s.size();
}

ojson decimal_token(std::string_view text) {
  std::string s(kDecimalMark);
  s += text;
  return ojson(s);
}

std::optional<std::string> decimal_text_of(const ojson& v) {
  if (v.is_number_integer()) return v.dump();
  if (v.is_number_float()) {
    if (!std::isfinite(v.get<double>())) return std::nullopt;
    return v.dump();  // shortest round-trip form
  }
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (is_decimal_text(s)) return s;
    // A decimal already stored as a token.
    if (s.size() > kDecimalMark.size() && std::string_view(s).substr(0, kDecimalMark.size()) == kDecimalMark)
      return s.substr(kDecimalMark.size());
  }
  return std::nullopt;
}

double to_double(std::string_view text) { return std::strtod(std::string(text).c_str(), nullptr); }

std::string dump(const ojson& j) {
  std::string s = j.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
  // A decimal token "\x01#1.95" is serialised as "\u0001#1.95"; write it as the bare number.
  static constexpr std::string_view marker = "\"\\u0001#";
  std::string out;
  out.reserve(s.size());
  std::size_t pos = 0;
  for (;;) {
    const std::size_t hit = s.find(marker, pos);
    if (hit == std::string::npos) break;
    const std::size_t start = hit + marker.size();
    const std::size_t end = s.find('"', start);
    if (end == std::string::npos) break;
    const std::string_view text(s.data() + start, end - start);
    if (!is_decimal_text(text)) {  // not ours (a user string that happens to look alike)
      out.append(s, pos, start - pos);
      pos = start;
      continue;
    }
    out.append(s, pos, hit - pos);
    out.append(text);
    pos = end + 1;
  }
  out.append(s, pos, std::string::npos);
  return out;
}

// --- rate limiting ----------------------------------------------------------------------------
SlidingWindow::Verdict SlidingWindow::hit(long limit, std::chrono::milliseconds window, bool enforce) {
  using clock = std::chrono::steady_clock;
  const auto now = clock::now();
  while (!log_.empty() && log_.front() + window <= now) log_.pop_front();
  Verdict v;
  v.limit = limit;
  const auto to_epoch = [&](clock::time_point tp) {
    const auto wall = std::chrono::system_clock::now() + std::chrono::duration_cast<std::chrono::system_clock::duration>(tp - now);
    return static_cast<std::int64_t>(
        std::ceil(static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(wall.time_since_epoch()).count()) /
                  1000.0));
  };
  if (enforce && static_cast<long>(log_.size()) >= limit) {
    v.allowed = false;
    v.remaining = 0;
    const auto wait = log_.front() + window - now;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(wait).count();
    v.retry_after_s = std::max<long>(1, static_cast<long>((ms + 999) / 1000));
    v.reset_epoch_s = to_epoch(log_.front() + window);
    return v;
  }
  log_.push_back(now);
  v.remaining = std::max<long>(0, limit - static_cast<long>(log_.size()));
  v.reset_epoch_s = to_epoch(log_.front() + window);
  return v;
}

// --- Reply / Call -----------------------------------------------------------------------------
Reply Reply::json(int status, const ojson& body) {
  Reply r;
  r.status = status;
  r.body = dump(body);
  return r;
}

void Reply::set_header(std::string name, std::string value) {
  for (auto& h : headers) {
    if (lower(h.first) == lower(name)) {
      h.second = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

std::string Call::header(std::string_view name) const {
  return raw->has_header(std::string(name)) ? raw->get_header_value(std::string(name)) : std::string();
}
bool Call::has_header(std::string_view name) const { return raw->has_header(std::string(name)); }
bool Call::has_param(std::string_view name) const { return raw->has_param(std::string(name)); }
std::string Call::param(std::string_view name) const {
  return raw->has_param(std::string(name)) ? raw->get_param_value(std::string(name)) : std::string();
}
const std::string& Call::body() const { return raw->body; }
std::string Call::remote_addr() const { return raw->remote_addr; }

// --- helpers ----------------------------------------------------------------------------------
std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t p = s.find(sep, start);
    if (p == std::string_view::npos) {
      out.emplace_back(s.substr(start));
      break;
    }
    out.emplace_back(s.substr(start, p - start));
    start = p + 1;
  }
  return out;
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::size_t i = 0;
  bool neg = false;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    i = 1;
    if (s.size() == 1) return std::nullopt;
  }
  std::int64_t v = 0;
  for (; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, s[i] - '0', &v)) return std::nullopt;
  }
  return neg ? -v : v;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

ojson parse_json_or_discarded(const std::string& body) {
  return ojson::parse(body, nullptr, /*allow_exceptions=*/false);
}

std::string http_reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status";
  }
}

}  // namespace sim
