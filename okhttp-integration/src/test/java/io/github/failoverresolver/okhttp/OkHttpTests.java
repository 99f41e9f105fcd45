package io.github.failoverresolver.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** What the OkHttp tests share: a GET that must answer 200, and releasing a client's threads and connections. */
final class OkHttpTests {
  private OkHttpTests() {}

  /** GETs {@code url}, asserts 200 and returns which loopback server answered ({@code X-Served-By}). */
  static String get(OkHttpClient c, String url) throws IOException {
    try (Response r = c.newCall(new Request.Builder().url(url).build()).execute()) {
      assertEquals(200, r.code(), url);
      return r.header("X-Served-By");
    }
  }

  /** Stops the client's dispatcher threads and closes its pooled connections; nothing for null. */
  static void release(OkHttpClient client) {
    if (client != null) {
      client.dispatcher().executorService().shutdownNow();
      client.connectionPool().evictAll();
    }
  }
}
