package io.github.failoverresolver.spring;

import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.micrometer.FailoverMetrics;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Builds a {@link FailoverResolver} from {@code failover.*} properties (see {@link BootProperties}) when at
 * least one service is configured, and closes it with the context. With Micrometer, registers
 * {@link FailoverMetrics}; with Actuator, the {@code failover} health indicator and endpoint; with OkHttp or
 * gRPC on the class path, customizers that wire them to the resolver. {@code failover.enabled=false} turns it
 * all off.
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

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"io.micrometer.core.instrument.binder.MeterBinder",
      "io.github.failoverresolver.micrometer.FailoverMetrics"})
  @ConditionalOnBean(FailoverResolver.class)
  static class Metrics {
    /** Spring Boot binds every MeterBinder bean to the application's registry. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    FailoverMetrics failoverMetrics(FailoverResolver resolver) {
      return new FailoverMetrics(resolver);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  @ConditionalOnBean(FailoverResolver.class)
  @ConditionalOnEnabledHealthIndicator("failover")
  static class Health {
    @Bean
    @ConditionalOnMissingBean(name = "failoverHealthIndicator")
    FailoverHealthIndicator failoverHealthIndicator(FailoverResolver resolver) {
      return new FailoverHealthIndicator(resolver);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Endpoint.class)
  @ConditionalOnBean(FailoverResolver.class)
  static class ActuatorEndpoint {
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(endpoint = FailoverEndpoint.class)
    FailoverEndpoint failoverEndpoint(FailoverResolver resolver) {
      return new FailoverEndpoint(resolver);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"okhttp3.OkHttpClient", "io.github.failoverresolver.okhttp.FailoverOkHttp"})
  @ConditionalOnBean(FailoverResolver.class)
  static class OkHttp {
    @Bean
    @ConditionalOnMissingBean
    FailoverOkHttpCustomizer failoverOkHttpCustomizer(FailoverResolver resolver) {
      return new FailoverOkHttpCustomizer(resolver);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"io.grpc.ManagedChannelBuilder",
      "io.github.failoverresolver.grpc.FailoverNameResolverProvider"})
  @ConditionalOnBean(FailoverResolver.class)
  static class Grpc {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    FailoverGrpcChannelCustomizer failoverGrpcChannelCustomizer(FailoverResolver resolver) {
      return new FailoverGrpcChannelCustomizer(resolver);
    }
  }
}
