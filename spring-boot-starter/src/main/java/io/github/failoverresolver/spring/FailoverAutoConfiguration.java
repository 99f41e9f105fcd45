package io.github.failoverresolver.spring;

import io.github.failoverresolver.FailoverResolver;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Builds a {@link FailoverResolver} from {@code failover.*} properties (see {@link BootProperties}) when at
 * least one service is configured, and closes it with the context ({@link FailoverSupportAutoConfiguration}
 * adds metrics, Actuator and client customizers for it, or for a resolver bean of the application's own).
 * {@code failover.enabled=false} turns it all off.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnProperty(prefix = "failover", name = "enabled", matchIfMissing = true)
public class FailoverAutoConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @Conditional(ServicesConfigured.class)
  public FailoverResolver failoverResolver(Environment environment) {
    return BootProperties.builder(environment).build();
  }

  /** True when some failover.services.* property is set. */
  static final class ServicesConfigured implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return BootProperties.hasServices(context.getEnvironment());
    }
  }
}
