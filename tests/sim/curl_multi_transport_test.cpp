// betwire::curl_multi_transport against the venue simulator with added latency: many requests in
// flight on one thread, answers in completion order, a bounded set of kept-alive connections, a
// reset among good answers, the epoll integration through the socket/timer hooks, and the simulator's
// latency option itself.

#include <betwire/http/concurrent.hpp>
#include <betwire/transport/curl_multi.hpp>

#include "simulator_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/epoll.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <string>
#include <vector>

namespace http = betwire::http;
using betwire::errc;
using namespace std::chrono_literals;

namespace {

class CurlMulti : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sim_ = new betwire::test::simulator_process({"--threads", "24"}); }
  static void TearDownTestSuite() {
    delete sim_;
    sim_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(sim_->ok()) << sim_->error();
    ASSERT_TRUE(sim_->post("/_sim/faults/clear").ok);
    ASSERT_TRUE(sim_->post("/_sim/stats/reset").ok);
    ASSERT_TRUE(sim_->post("/_sim/latency", R"({"ms": 0, "jitterMs": 0})").ok);
  }
  void TearDown() override { (void)sim_->post("/_sim/latency", R"({"ms": 0, "jitterMs": 0})"); }

  static nlohmann::json stats() { return nlohmann::json::parse(sim_->get("/_sim/stats").body, nullptr, false); }

  static betwire::test::simulator_process* sim_;
};
betwire::test::simulator_process* CurlMulti::sim_ = nullptr;

http::request health() {
  http::request r(http::method::get, "/health");
  r.idempotency = http::idempotency::safe;
  return r;
}

// Polls until every request is in; returns the tags in completion order.
std::vector<std::uint64_t> drain(betwire::curl_multi_transport& net, std::size_t n,
                                 std::vector<betwire::result<void>>* outcomes = nullptr) {
  std::vector<std::uint64_t> order;
  std::array<http::completion, 4> done{};
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (order.size() < n && std::chrono::steady_clock::now() < deadline) {
    const std::size_t k = net.poll(done, 1000ms);
    for (std::size_t i = 0; i < k; ++i) {
      order.push_back(done[i].tag);
      if (outcomes) outcomes->push_back(done[i].outcome);
    }
  }
  return order;
}

}  // namespace

TEST_F(CurlMulti, SimulatorLatencyOptionDelaysEachRequest) {
  ASSERT_TRUE(sim_->post("/_sim/latency", R"({"ms": 120, "jitterMs": 0})").ok);
  auto j = nlohmann::json::parse(sim_->get("/_sim/latency").body, nullptr, false);
  EXPECT_EQ(j.value("ms", -1), 120);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = sim_->get("/abp/health");
  EXPECT_TRUE(r.ok);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 115ms);
  EXPECT_EQ(sim_->post("/_sim/latency", R"({"ms": -1})").status, 400);
}

TEST_F(CurlMulti, ManyInFlightOnOneThreadWithinOneRoundTripOrTwo) {
  ASSERT_TRUE(sim_->post("/_sim/latency", R"({"ms": 200, "jitterMs": 0})").ok);
  betwire::curl_multi_transport net{{.easy = {.base_url = sim_->base_url("abp")}, .max_in_flight = 8}};
  ASSERT_TRUE(net.valid()) << net.error();
  EXPECT_EQ(net.capacity(), 8U);
  const http::request req = health();
  std::vector<http::response> resp(8);
  const auto t0 = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < 8; ++i) ASSERT_TRUE(net.submit(req, resp[i], i));
  EXPECT_EQ(net.in_flight(), 8U);
  http::response extra;
  EXPECT_FALSE(net.submit(req, extra, 99)) << "capacity reached";
  const auto order = drain(net, 8);
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_EQ(order.size(), 8U);
  for (auto& r : resp) {
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("ok"), std::string::npos) << r.body;
  }
  // Sequential would be 8 x 200 ms; in flight together it is about one round trip.
  EXPECT_LT(took, 1000ms);
  EXPECT_EQ(net.in_flight(), 0U);
  EXPECT_LE(stats().value("connections", 0), 8);
}

TEST_F(CurlMulti, ConnectionsAreBoundedAndKeptAlive) {
  betwire::curl_multi_transport net{
      {.easy = {.base_url = sim_->base_url("abp")}, .max_in_flight = 6, .max_host_connections = 3}};
  const http::request req = health();
  std::vector<http::response> resp(6);
  for (int round = 0; round < 3; ++round) {
    for (std::uint64_t i = 0; i < 6; ++i) ASSERT_TRUE(net.submit(req, resp[i], i));
    ASSERT_EQ(drain(net, 6).size(), 6U);
    for (auto& r : resp) EXPECT_EQ(r.status, 200);
  }
  const auto s = stats();
  EXPECT_EQ(s.value("requests", 0), 18);
  EXPECT_LE(s.value("connections", 0), 3) << "at most 3 connections, reused across rounds";
}

TEST_F(CurlMulti, AResetFailsOnlyItsOwnRequest) {
  ASSERT_TRUE(sim_->post("/_sim/faults", R"({"path_prefix": "/abp/health", "fault": "reset", "count": 1})").ok);
  betwire::curl_multi_transport net{{.easy = {.base_url = sim_->base_url("abp")}, .max_in_flight = 4}};
  const http::request req = health();
  std::vector<http::response> resp(4);
  for (std::uint64_t i = 0; i < 4; ++i) ASSERT_TRUE(net.submit(req, resp[i], i));
  std::vector<betwire::result<void>> outcomes;
  const auto order = drain(net, 4, &outcomes);
  ASSERT_EQ(order.size(), 4U);
  int failed = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    if (!outcomes[i]) {
      ++failed;
      EXPECT_EQ(outcomes[i].error().code, errc::connection_reset) << outcomes[i].error();
    } else {
      EXPECT_EQ(resp[order[i]].status, 200);
    }
  }
  EXPECT_EQ(failed, 1);
}

TEST_F(CurlMulti, JitteredAnswersArriveInCompletionOrder) {
  ASSERT_TRUE(sim_->post("/_sim/latency", R"({"ms": 60, "jitterMs": 50})").ok);
  betwire::curl_multi_transport net{{.easy = {.base_url = sim_->base_url("abp")}, .max_in_flight = 8}};
  const http::request req = health();
  std::vector<http::response> resp(8);
  for (int attempt = 0; attempt < 3; ++attempt) {
    for (std::uint64_t i = 0; i < 8; ++i) ASSERT_TRUE(net.submit(req, resp[i], i));
    const auto order = drain(net, 8);
    ASSERT_EQ(order.size(), 8U);
    if (!std::is_sorted(order.begin(), order.end())) return;  // seen out of submission order
  }
  ADD_FAILURE() << "three rounds of jittered answers all came back in submission order";
}

namespace {
// A minimal epoll loop over the transport's socket and timer hooks.
struct epoll_loop {
  int ep = ::epoll_create1(EPOLL_CLOEXEC);
  long timer_ms = -1;
  std::chrono::steady_clock::time_point timer_at{};
  ~epoll_loop() { ::close(ep); }

  static void on_socket(void* self, curl_socket_t fd, int what) {
    auto* l = static_cast<epoll_loop*>(self);
    if (what == CURL_POLL_REMOVE) {
      ::epoll_ctl(l->ep, EPOLL_CTL_DEL, fd, nullptr);
      return;
    }
    epoll_event ev{};
    ev.data.fd = fd;
    ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0U) | (what & CURL_POLL_OUT ? EPOLLOUT : 0U);
    if (::epoll_ctl(l->ep, EPOLL_CTL_MOD, fd, &ev) != 0) ::epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev);
  }
  static void on_timer(void* self, long ms) {
    auto* l = static_cast<epoll_loop*>(self);
    l->timer_ms = ms;
    if (ms >= 0) l->timer_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  }
};
}  // namespace

TEST_F(CurlMulti, RunsInsideAUsersEpollLoop) {
  ASSERT_TRUE(sim_->post("/_sim/latency", R"({"ms": 50, "jitterMs": 0})").ok);
  betwire::curl_multi_transport net{{.easy = {.base_url = sim_->base_url("abp")}, .max_in_flight = 4}};
  epoll_loop loop;
  net.set_event_hooks(&epoll_loop::on_socket, &epoll_loop::on_timer, &loop);
  const http::request req = health();
  std::vector<http::response> resp(4);
  for (std::uint64_t i = 0; i < 4; ++i) ASSERT_TRUE(net.submit(req, resp[i], i));
  std::size_t finished = 0;
  std::array<http::completion, 4> done{};
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (finished < 4 && std::chrono::steady_clock::now() < deadline) {
    int wait_ms = 100;
    if (loop.timer_ms >= 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(loop.timer_at - std::chrono::steady_clock::now());
      wait_ms = left.count() < 0 ? 0 : static_cast<int>(std::min<long>(left.count(), 100));
    }
    std::array<epoll_event, 8> evs{};
    const int n = ::epoll_wait(loop.ep, evs.data(), static_cast<int>(evs.size()), wait_ms);
    for (int i = 0; i < n; ++i) {
      int mask = 0;
      if (evs[static_cast<std::size_t>(i)].events & EPOLLIN) mask |= CURL_CSELECT_IN;
      if (evs[static_cast<std::size_t>(i)].events & EPOLLOUT) mask |= CURL_CSELECT_OUT;
      if (evs[static_cast<std::size_t>(i)].events & (EPOLLERR | EPOLLHUP)) mask |= CURL_CSELECT_ERR;
      net.on_socket(evs[static_cast<std::size_t>(i)].data.fd, mask);
    }
    if (loop.timer_ms >= 0 && std::chrono::steady_clock::now() >= loop.timer_at) {
      loop.timer_ms = -1;
      net.on_timeout();
    }
    finished += net.poll(done, 0ms);  // never blocks with hooks set
  }
  EXPECT_EQ(finished, 4U);
  for (auto& r : resp) EXPECT_EQ(r.status, 200);
}
