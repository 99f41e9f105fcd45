package io.github.failoverresolver;

/** A registration made by {@link FailoverResolver#subscribe}; closing it stops deliveries. Idempotent. */
public interface Subscription extends AutoCloseable {
  @Override
  void close();
}
