// The ABP stream's frame decoder (abp::stream_session::receive and tick): a settings byte, then
// server frames separated by '\n', fed to one session on a fake clock. Checks, whatever the bytes:
//   - nothing crashes, hangs or leaks; every frame yields at least one event or is counted;
//   - data events come once per seq and in increasing seq order (the session's promise), whatever
//     the frames' seqs, duplicates and gaps; a hole ends only in a resynced event;
//   - a frame json::validate rejects is a malformed event, never a typed one;
//   - every event's views point into the frame being handled or into the session's own storage;
//   - every frame the session queues is valid JSON, and the API key appears only in login frames;
//     redact_frame never shows it and prints only printable bytes.
#ifndef BETWIRE_FUZZ_STREAM_HPP
#define BETWIRE_FUZZ_STREAM_HPP

#include "common.hpp"

#include <chrono>
#include <optional>
#include <vector>

namespace betwire::fuzz {

inline constexpr std::string_view stream_fuzz_key = "abp-fuzz-key-5b1e0c7d9a";

// A REST side that answers with nothing or fails, as the settings byte says.
struct stream_fuzz_source final : abp::reconcile_source {
  bool fail_orders = false;
  int calls = 0;
  result<void> fetch_orders(std::string_view, std::vector<abp::order>& out) override {
    ++calls;
    if (fail_orders) return betwire::fail(error(error_category::transport, errc::timeout, "fuzz: REST down"));
    abp::order o;
    o.order_id = 1 + calls % 3;
    o.order_status = abp::order_status::cancelled;
    out.push_back(std::move(o));
    return {};
  }
  result<void> fetch_bets(std::string_view, std::vector<abp::bet>&) override { return {}; }
};

inline void check_stream_outbox(const abp::stream_session& s) {
  for (const std::string& f : s.outbox()) {
    check(json::validate(f).has_value(), "the session queued a frame that is not JSON", f);
    const bool login = f.starts_with(R"({"type":"login",)");
    check(login || f.find(stream_fuzz_key) == std::string::npos, "the API key outside a login frame", f);
    const std::string shown = abp::redact_frame(f);
    check(shown.find(stream_fuzz_key) == std::string::npos, "redact_frame shows the API key", shown);
  }
  const std::string dump = s.describe_outbox();
  check(dump.find(stream_fuzz_key) == std::string::npos, "describe_outbox shows the API key", dump);
}

inline int fuzz_stream(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t settings = data[0];
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  abp::stream_options opt;
  opt.api_key = secret(stream_fuzz_key);
  opt.channels = {"orders", "bets"};
  opt.reliable_delivery = (settings & 1) != 0;
  opt.acks = (settings & 2) ? abp::ack_policy::per_message : abp::ack_policy::batch;
  opt.max_out_of_order = (settings & 4) ? 4 : 1000;
  opt.ack_batch_size = 1u + (settings >> 5);
  stream_fuzz_source source;
  source.fail_orders = (settings & 8) != 0;
  abp::stream_session s(opt);
  if ((settings & 16) == 0) s.set_reconcile_source(&source);

  auto now = abp::stream_time{} + std::chrono::hours(1);
  std::optional<std::int64_t> last_delivered;
  std::string frame;
  std::size_t events_this_frame = 0;
  auto sink = [&](const abp::stream_event& e) {
    ++events_this_frame;
    if (e.kind == abp::stream_event_kind::data) {
      check(e.data != nullptr, "data event without data");
      if (e.data->seq) {
        // Held frames of other channels are delivered after a resync: still in order.
        if (last_delivered) check(*e.data->seq > *last_delivered, "a seq delivered twice or out of order", e.frame);
        last_delivered = e.data->seq;
      }
      const auto& d = *e.data;
      const int typed = (d.order != nullptr) + (d.bet != nullptr) + (d.balance != nullptr) + (d.emergency != nullptr) +
                        (d.betslip != nullptr);
      check(typed <= 1, "more than one typed payload");
      check(!(typed == 1 && d.payload_error), "a typed payload that also failed");
      // Payload text lies inside the frame handed to the sink.
      if (!d.payload.text.empty() && !e.frame.empty()) {
        const char* b = e.frame.data();
        check(d.payload.text.data() >= b && d.payload.text.data() + d.payload.text.size() <= b + e.frame.size(),
              "payload view outside its frame", e.frame);
      }
    }
    if (e.kind == abp::stream_event_kind::malformed) check(e.failure != nullptr, "malformed event without a reason");
    if (e.kind == abp::stream_event_kind::resynced) {
      check(e.resync != nullptr, "resynced without its content");
      // A resync that ends in a fresh baseline (reconnect, new subscription) lets the next frame set
      // it; after a gap, counting goes on past the hole, so order still holds.
      if (!e.resync->failure && !s.last_seq()) last_delivered.reset();
    }
    if (e.kind == abp::stream_event_kind::channels_updated || e.kind == abp::stream_event_kind::login_ok)
      if (!s.last_seq()) last_delivered.reset();  // another subscription: its own seq space
    const std::string shown = abp::redact_frame(e.frame, 256);
    for (char ch : shown) check(static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7F, "redact_frame not printable", shown);
    if (e.failure) check(e.failure->describe().find(stream_fuzz_key) == std::string::npos, "the key in an error");
  };

  s.on_connected(now);
  check_stream_outbox(s);
  s.clear_outbox();
  std::size_t at = 0, n = 0;
  while (at <= input.size()) {
    const std::size_t nl = input.find('\n', at);
    const std::string_view piece = input.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
    frame.assign(piece);
    const bool valid = json::validate(frame).has_value();
    const auto frames_before = s.stats().frames;
    const auto malformed_before = s.stats().malformed;
    events_this_frame = 0;
    s.receive(frame, now, sink);
    check(s.stats().frames == frames_before + 1, "a frame not counted");
    if (!valid) check(s.stats().malformed == malformed_before + 1, "invalid JSON not reported as malformed", piece);
    check_stream_outbox(s);
    s.clear_outbox();
    now += std::chrono::milliseconds(((++n) % 4) * 300);
    s.tick(now, sink);
    check_stream_outbox(s);
    s.clear_outbox();
    if (s.state() == abp::stream_state::closing) {
      // What the driver does: drop the connection and open another.
      s.on_disconnected(now);
      s.on_connected(now);
      check_stream_outbox(s);
      s.clear_outbox();
    }
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
  return 0;
}

}  // namespace betwire::fuzz

#endif  // BETWIRE_FUZZ_STREAM_HPP
