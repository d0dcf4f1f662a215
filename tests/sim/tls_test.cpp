// TLS for real (issue #16): curl_transport against a TLS server on loopback (`openssl s_server
// -www`, which answers any GET with a 200 status page) using certificates made at test time by
// the `openssl` CLI: a test CA, a server certificate from it, one for another host name, an
// expired one and a self-signed one.
//   - the CA's certificate via ca_file: passes;
//   - self-signed, wrong host name, expired, or the CA not given: errc::tls_failed, never sent;
//   - verify_tls = false is the only way past them (for tests; see docs/http.md).

#include <betwire/betwire.hpp>
#include <betwire/transport/curl.hpp>

#include "child_process.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace http = betwire::http;
using betwire::errc;
using betwire::test::child_process;
using betwire::test::run_command;
using namespace std::chrono_literals;

namespace {

class Tls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/betwire-tls-XXXXXX";
    const char* d = ::mkdtemp(tmpl);
    ASSERT_NE(d, nullptr);
    dir_ = d;
    const auto sh = [](const std::string& what, std::vector<std::string> argv) {
      const auto r = run_command(std::move(argv), dir_);
      ASSERT_EQ(r.status, 0) << what << ":\n" << r.output;
    };
    write("san.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    write("wrong.ext", "subjectAltName=DNS:wrong.example\n");
    write("ca.cnf",
          "[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\nserial = serial\nnew_certs_dir = .\n"
          "certificate = ca.pem\nprivate_key = ca.key\ndefault_md = sha256\npolicy = any\n[any]\n"
          "commonName = supplied\n[ext]\nsubjectAltName = DNS:localhost,IP:127.0.0.1\n");
    write("index.txt", "");
    write("serial", "10\n");
    const std::vector<std::string> ec = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"};
    auto with = [](std::vector<std::string> a, const std::vector<std::string>& b) {
      a.insert(a.end(), b.begin(), b.end());
      return a;
    };
    sh("CA", with({"openssl", "req", "-x509"}, with(ec, {"-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=betwire test CA"})));
    sh("CSR", with({"openssl", "req"}, with(ec, {"-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=localhost"})));
    sh("good", {"openssl", "x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "2",
                "-days", "2", "-extfile", "san.ext", "-out", "good.pem"});
    sh("wrong host", {"openssl", "x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial",
                      "3", "-days", "2", "-extfile", "wrong.ext", "-out", "wrong.pem"});
    sh("self-signed", {"openssl", "req", "-x509", "-key", "srv.key", "-out", "self.pem", "-days", "2", "-subj",
                       "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"});
    sh("expired", {"openssl", "ca", "-batch", "-config", "ca.cnf", "-extensions", "ext", "-startdate", "20200101000000Z",
                   "-enddate", "20200102000000Z", "-in", "srv.csr", "-out", "expired.pem"});
  }

  static void TearDownTestSuite() {
    if (!dir_.empty()) (void)run_command({"rm", "-rf", dir_});
  }

  static void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
  }

  // A TLS server presenting `cert`; returns its port (0 when it did not start).
  static int serve(child_process& p) {
    const std::string line = p.wait_for_line("ACCEPT", 10s);
    const auto colon = line.rfind(':');
    return colon == std::string::npos ? 0 : std::atoi(line.c_str() + colon + 1);
  }
  static std::vector<std::string> server_args(const std::string& cert) {
    return {"openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", dir_ + "/" + cert, "-key", dir_ + "/srv.key", "-www"};
  }

  struct attempt {
    betwire::result<void> sent;
    int status = 0;
    std::string body;
  };
  static attempt get(int port, const std::string& host, bool verify, bool with_ca) {
    betwire::curl_options o;
    o.base_url = "https://" + host + ":" + std::to_string(port);
    o.connect_timeout = 3s;
    o.total_timeout = 5s;
    o.verify_tls = verify;
    if (with_ca) o.ca_file = dir_ + "/ca.pem";
    betwire::curl_transport net{o};
    EXPECT_TRUE(net.valid()) << net.error().describe();
    http::response resp;
    http::request req(http::method::get, "/orders");
    (void)req.add_header("x-api-key", "Kq7ZxW3vTn9PbLm2RsYc4HdFg8JkUa6EoVi5NtQw");
    attempt a{net.send(req, resp), resp.status, resp.body};
    if (!a.sent) {
      EXPECT_EQ(a.sent.error().describe().find("Kq7ZxW3v"), std::string::npos);
    }
    return a;
  }

  static inline std::string dir_;
};

TEST_F(Tls, ACertificateFromTheGivenCaPasses) {
  child_process srv(server_args("good.pem"));
  const int port = serve(srv);
  ASSERT_GT(port, 0);
  for (const char* host : {"localhost", "127.0.0.1"}) {
    const attempt a = get(port, host, true, true);
    ASSERT_TRUE(a.sent) << host << ": " << a.sent.error().describe();
    EXPECT_EQ(a.status, 200);
    EXPECT_NE(a.body.find("s_server"), std::string::npos);
  }
  // The same server without the CA: not trusted.
  const attempt untrusted = get(port, "localhost", true, false);
  ASSERT_FALSE(untrusted.sent);
  EXPECT_EQ(untrusted.sent.error().code, errc::tls_failed) << untrusted.sent.error().describe();
}

TEST_F(Tls, BadCertificatesFailWithTlsFailed) {
  for (const char* cert : {"self.pem", "wrong.pem", "expired.pem"}) {
    SCOPED_TRACE(cert);
    child_process srv(server_args(cert));
    const int port = serve(srv);
    ASSERT_GT(port, 0);
    const attempt a = get(port, "localhost", true, true);
    ASSERT_FALSE(a.sent);
    EXPECT_EQ(a.sent.error().code, errc::tls_failed) << a.sent.error().describe();
    EXPECT_EQ(a.sent.error().category, betwire::error_category::transport);
    // verify_tls = false is the only way past it.
    const attempt insecure = get(port, "localhost", false, true);
    ASSERT_TRUE(insecure.sent) << insecure.sent.error().describe();
    EXPECT_EQ(insecure.status, 200);
  }
}

}  // namespace
