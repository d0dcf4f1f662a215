// The libcurl transport's connection and TLS options, each where it can be observed: the
// per-request deadline, DNS pre-resolve, the local interface, low-speed abort, warm-up and the
// escape hatch against the venue simulator; the minimum TLS version and client certificates
// against `openssl s_server` with certificates made for the test.

#include <betwire/http/client.hpp>
#include <betwire/transport/curl.hpp>

#include "simulator_process.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

extern char** environ;

namespace http = betwire::http;
using betwire::errc;
using namespace std::chrono_literals;

namespace {

class CurlOptions : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sim_ = new betwire::test::simulator_process(); }
  static void TearDownTestSuite() {
    delete sim_;
    sim_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(sim_->ok()) << sim_->error();
    ASSERT_TRUE(sim_->post("/_sim/faults/clear").ok);
  }
  static betwire::curl_transport make(betwire::curl_options o) {
    if (o.base_url.empty()) o.base_url = sim_->base_url("abp");
    auto t = betwire::curl_transport::create(std::move(o));
    EXPECT_TRUE(t) << t.error();
    return std::move(*t);
  }
  static betwire::test::simulator_process* sim_;
};
betwire::test::simulator_process* CurlOptions::sim_ = nullptr;

http::request get(std::string_view target) {
  http::request r(http::method::get, target);
  r.idempotency = http::idempotency::safe;
  return r;
}

long info_long(CURL* h, CURLINFO what) {
  long v = -1;
  curl_easy_getinfo(h, what, &v);
  return v;
}

std::string local_ip(CURL* h) {
  char* ip = nullptr;
  curl_easy_getinfo(h, CURLINFO_LOCAL_IP, &ip);
  return ip ? ip : "";
}

}  // namespace

TEST_F(CurlOptions, DeadlineShortensTheTimeoutAndRefusesWhenPassed) {
  auto net = make({});
  http::response resp;
  http::request slow = get("/health");
  ASSERT_TRUE(slow.add_header("X-Sim-Fault", "delay=3000"));
  slow.deadline = std::chrono::steady_clock::now() + 300ms;
  const auto start = std::chrono::steady_clock::now();
  auto r = net.send(slow, resp);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::timeout);
  EXPECT_LT(took, 2000ms);  // total_timeout is 30 s: the deadline cut it short

  // Passed already: nothing is sent.
  const std::string before = sim_->get("/_sim/last-request").body;
  http::request late = get("/health?late=1");
  late.deadline = std::chrono::steady_clock::now() - 1ms;
  auto l = net.send(late, resp);
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error().code, errc::timeout);
  EXPECT_EQ(sim_->get("/_sim/last-request").body, before);

  // Without a deadline the next request has the whole timeout again.
  http::request normal = get("/health");
  ASSERT_TRUE(normal.add_header("X-Sim-Fault", "delay=500"));
  ASSERT_TRUE(net.send(normal, resp));
  EXPECT_EQ(resp.status, 200);
}

TEST_F(CurlOptions, ClientDeadlineReachesTheTransportAndStopsRetries) {
  auto net = make({});
  http::retry_policy retry;
  retry.enabled = true;
  retry.max_attempts = 5;
  retry.initial_backoff = 1000ms;  // with equal jitter: a wait of 500 ms to 1 s
  retry.max_backoff = 1000ms;
  http::client<betwire::curl_transport> core{net, {.retry = retry}};
  ASSERT_TRUE(sim_->post("/_sim/faults", R"({"path_prefix":"/abp/health","fault":"status=503","count":5})").ok);
  core.set_deadline(std::chrono::steady_clock::now() + 250ms);
  http::request req = get("/health");
  const auto start = std::chrono::steady_clock::now();
  auto r = core.send(req);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r);  // a 503 is a response
  EXPECT_EQ(r.status(), 503);
  EXPECT_EQ(r.attempts(), 1u);  // any wait would end past the deadline: no retry
  EXPECT_LT(took, 1000ms);
  core.clear_deadline();
}

TEST_F(CurlOptions, ResolvePinsAHostToAnAddress) {
  const std::string port = std::to_string(sim_->port());
  const std::string url = "http://venue.betwire.invalid:" + port + "/abp";
  {
    auto pinned = make({.base_url = url, .allow_insecure_http = true,
                        .resolve = {"venue.betwire.invalid:" + port + ":127.0.0.1"}});
    http::response resp;
    auto r = pinned.send(get("/health"), resp);
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(resp.status, 200);
  }
  {
    auto unpinned = make({.base_url = url, .allow_insecure_http = true});
    http::response resp;
    auto r = unpinned.send(get("/health"), resp);
    ASSERT_FALSE(r);  // .invalid never resolves
    EXPECT_EQ(r.error().code, errc::connect_failed);
  }
  EXPECT_FALSE(betwire::curl_transport::create({.base_url = url, .resolve = {"no-address"}}));
}

TEST_F(CurlOptions, LocalInterfaceChoosesTheSourceAddress) {
  // All of 127.0.0.0/8 is loopback on Linux: sending from 127.0.0.2 shows the option at work.
  auto net = make({.local_interface = "host!127.0.0.2"});
  http::response resp;
  auto r = net.send(get("/health"), resp);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(local_ip(net.native_handle()), "127.0.0.2");

  auto plain = make({});
  ASSERT_TRUE(plain.send(get("/health"), resp));
  EXPECT_EQ(local_ip(plain.native_handle()), "127.0.0.1");

  auto missing = make({.local_interface = "if!betwire-none0"});
  auto m = missing.send(get("/health"), resp);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, errc::connect_failed);
}

TEST_F(CurlOptions, LowSpeedAbortsAStalledTransfer) {
  auto net = make({.low_speed_bytes = 1, .low_speed_time = 1s});
  http::response resp;
  http::request stalled = get("/health");
  ASSERT_TRUE(stalled.add_header("X-Sim-Fault", "delay=5000"));
  const auto start = std::chrono::steady_clock::now();
  auto r = net.send(stalled, resp);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::timeout);
  EXPECT_LT(took, 3500ms);
  EXPECT_FALSE(betwire::curl_transport::create({.base_url = sim_->base_url("abp"), .low_speed_bytes = 1,
                                               .low_speed_time = 0s}));
}

TEST_F(CurlOptions, WarmUpOpensTheConnectionTheFirstCallReuses) {
  auto cold = make({});
  http::response resp;
  ASSERT_TRUE(cold.send(get("/health"), resp));
  EXPECT_EQ(info_long(cold.native_handle(), CURLINFO_NUM_CONNECTS), 1);  // connected for the call

  auto warm = make({});
  auto w = warm.warm_up();
  ASSERT_TRUE(w) << w.error();
  EXPECT_EQ(info_long(warm.native_handle(), CURLINFO_NUM_CONNECTS), 1);
  ASSERT_TRUE(warm.send(get("/health"), resp));
  EXPECT_EQ(resp.status, 200);
  EXPECT_FALSE(resp.body.empty());  // a GET again after the HEAD
  EXPECT_EQ(info_long(warm.native_handle(), CURLINFO_NUM_CONNECTS), 0);  // reused

  auto nowhere = make({.base_url = "http://127.0.0.1:1/abp", .connect_timeout = 500ms});
  auto n = nowhere.warm_up();
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().code, errc::connect_failed);
}

TEST_F(CurlOptions, EscapeHatchConfiguresEveryHandle) {
  int calls = 0;
  auto net = make({.configure_handle = [&calls](CURL* h) {
    ++calls;
    curl_easy_setopt(h, CURLOPT_USERAGENT, "betwire-escape-hatch/1");  // after betwire's own
  }});
  EXPECT_EQ(calls, 1);
  ASSERT_NE(net.native_handle(), nullptr);
  http::response resp;
  ASSERT_TRUE(net.send(get("/health"), resp));
  EXPECT_EQ(info_long(net.native_handle(), CURLINFO_RESPONSE_CODE), 200);
  const std::string last = sim_->get("/_sim/last-request").body;
  EXPECT_NE(last.find("betwire-escape-hatch/1"), std::string::npos) << last;
}

// ---- TLS, against openssl s_server ----------------------------------------------------------------

namespace {

// Runs a command and waits for it; true when it exits with 0.
bool run_quiet(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return false;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// openssl s_server on a free loopback port, answering GET with a status page (-www).
class tls_server {
 public:
  explicit tls_server(std::vector<std::string> extra) {
    std::vector<std::string> argv = {"openssl", "s_server", "-accept", "127.0.0.1:0", "-www"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    int out[2];
    if (pipe(out) != 0) return;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);  // its handshake errors
    const int rc = posix_spawnp(&pid_, "openssl", &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    if (rc != 0) {
      close(out[0]);
      pid_ = 0;
      return;
    }
    // A line "ACCEPT 127.0.0.1:<port>" tells the port. The pipe stays open (the server writes a
    // few lines per connection; closing it would kill the server with SIGPIPE).
    out_ = out[0];
    std::string text;
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (port_ == 0 && std::chrono::steady_clock::now() < until) {
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, 200) <= 0) continue;
      char buf[256];
      const ssize_t n = read(out_, buf, sizeof buf);
      if (n <= 0) break;
      text.append(buf, static_cast<std::size_t>(n));
      const auto at = text.find("ACCEPT ");
      const auto end = at == std::string::npos ? at : text.find('\n', at);
      if (end != std::string::npos) {
        const auto colon = text.rfind(':', end);
        if (colon != std::string::npos && colon > at) port_ = std::atoi(text.c_str() + colon + 1);
      }
    }
  }
  ~tls_server() {
    if (out_ >= 0) close(out_);
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  tls_server(const tls_server&) = delete;
  tls_server& operator=(const tls_server&) = delete;

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = 0;
  int port_ = 0;
  int out_ = -1;
};

class CurlTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("betwire-tls-" + std::to_string(getpid())));
    std::filesystem::create_directories(*dir_);
    const std::string d = dir_->string();
    auto cert = [&](const std::string& name, const std::string& subject, bool encrypted) {
      std::vector<std::string> argv = {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                       "ec_paramgen_curve:prime256v1", "-keyout", d + "/" + name + "-key.pem",
                                       "-out", d + "/" + name + ".pem", "-days", "1", "-subj", subject,
                                       "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"};
      if (encrypted) {
        argv.insert(argv.end(), {"-passout", "pass:correct horse"});
      } else {
        argv.emplace_back("-nodes");
      }
      return run_quiet(argv);
    };
    made_ = cert("server", "/CN=localhost", false) && cert("client", "/CN=betwire-client", false) &&
            cert("locked", "/CN=betwire-locked", true);
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    std::filesystem::remove_all(*dir_, ec);
    delete dir_;
  }
  void SetUp() override { ASSERT_TRUE(made_) << "openssl could not make the test certificates"; }
  static std::string file(const std::string& name) { return (*dir_ / name).string(); }
  static std::vector<std::string> server_files() {
    return {"-cert", file("server.pem"), "-key", file("server-key.pem")};
  }
  static betwire::curl_options client(const tls_server& s) {
    betwire::curl_options o;
    o.base_url = s.url();
    o.ca_file = file("server.pem");  // the self-signed server certificate is its own root
    o.http2 = false;
    return o;
  }

  static std::filesystem::path* dir_;
  static bool made_;
};
std::filesystem::path* CurlTls::dir_ = nullptr;
bool CurlTls::made_ = false;

}  // namespace

TEST_F(CurlTls, MinimumVersionRefusesAnOlderServer) {
  auto args = server_files();
  args.emplace_back("-tls1_2");  // this server speaks TLS 1.2 only
  tls_server server(args);
  ASSERT_GT(server.port(), 0);
  http::response resp;
  {
    auto o = client(server);
    o.min_tls = betwire::tls_version::v1_2;
    auto net = betwire::curl_transport::create(o);
    ASSERT_TRUE(net);
    auto r = net->send(get("/"), resp);
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(resp.status, 200);
  }
  {
    auto o = client(server);
    o.min_tls = betwire::tls_version::v1_3;
    auto net = betwire::curl_transport::create(o);
    ASSERT_TRUE(net);
    auto r = net->send(get("/"), resp);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::tls_failed);
  }
}

TEST_F(CurlTls, ClientCertificateForMutualTls) {
  // -Verify: a client certificate is required and must be signed by (here: be) one of these.
  const std::string clients = file("clients.pem");
  {
    std::FILE* f = std::fopen(clients.c_str(), "w");
    ASSERT_NE(f, nullptr);
    for (const char* name : {"client.pem", "locked.pem"}) {
      std::FILE* in = std::fopen(file(name).c_str(), "r");
      ASSERT_NE(in, nullptr);
      char buf[4096];
      std::size_t n = 0;
      while ((n = std::fread(buf, 1, sizeof buf, in)) > 0) std::fwrite(buf, 1, n, f);
      std::fclose(in);
    }
    std::fclose(f);
  }
  auto args = server_files();
  args.insert(args.end(), {"-Verify", "1", "-CAfile", clients, "-verify_return_error", "-tls1_2"});
  tls_server server(args);
  ASSERT_GT(server.port(), 0);
  http::response resp;

  auto without = betwire::curl_transport::create(client(server));
  ASSERT_TRUE(without);
  auto r0 = without->send(get("/"), resp);
  ASSERT_FALSE(r0);  // no certificate: the handshake fails
  EXPECT_EQ(r0.error().code, errc::tls_failed);

  auto o = client(server);
  o.client_cert = file("client.pem");
  o.client_key = file("client-key.pem");
  auto with = betwire::curl_transport::create(o);
  ASSERT_TRUE(with);
  auto r1 = with->send(get("/"), resp);
  ASSERT_TRUE(r1) << r1.error();
  EXPECT_EQ(resp.status, 200);

  // An encrypted key needs its passphrase, which stays a secret: never in an error text.
  auto locked = client(server);
  locked.client_cert = file("locked.pem");
  locked.client_key = file("locked-key.pem");
  locked.client_key_password = betwire::secret("wrong passphrase!");
  auto bad = betwire::curl_transport::create(locked);
  ASSERT_TRUE(bad);
  auto r2 = bad->send(get("/"), resp);
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().code, errc::tls_failed);
  EXPECT_EQ(r2.error().describe().find("wrong passphrase"), std::string::npos);
  locked.client_key_password = betwire::secret("correct horse");
  auto good = betwire::curl_transport::create(locked);
  ASSERT_TRUE(good);
  auto r3 = good->send(get("/"), resp);
  ASSERT_TRUE(r3) << r3.error();
  EXPECT_EQ(resp.status, 200);

  EXPECT_FALSE(betwire::curl_transport::create({.base_url = server.url(), .client_key = file("client-key.pem")}));
}
