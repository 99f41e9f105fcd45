package io.github.failoverresolver;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Calls {@code select(service)} in a loop on its own thread until closed, counting the calls whose target broke
 * a rule or that threw {@link NoEligibleTargetException}: what a client calling all the while would have seen.
 */
final class SelectWatch implements AutoCloseable {
  private final AtomicBoolean done = new AtomicBoolean();
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger violations = new AtomicInteger();
  private final Thread thread;

  private SelectWatch(FailoverResolver resolver, String service, Predicate<Target> ok) {
    thread = new Thread(() -> {
      while (!done.get()) {
        try {
          if (!ok.test(resolver.select(service))) {
            violations.incrementAndGet();
          }
        } catch (NoEligibleTargetException none) {
          violations.incrementAndGet();
        }
        calls.incrementAndGet();
      }
    }, "test-select-loop");
    thread.setDaemon(true);
  }

  static SelectWatch start(FailoverResolver resolver, String service, Predicate<Target> ok) {
    SelectWatch w = new SelectWatch(resolver, service, ok);
    w.thread.start();
    return w;
  }

  int calls() {
    return calls.get();
  }

  int violations() {
    return violations.get();
  }

  /** Stops the loop and waits for it (bounded). */
  @Override
  public void close() throws InterruptedException {
    done.set(true);
    thread.join(5_000);
  }
}
