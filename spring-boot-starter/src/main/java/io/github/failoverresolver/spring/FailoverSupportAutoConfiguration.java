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
import org.springframework.context.annotation.Configuration;

/**
 * For the application's {@link FailoverResolver} (built by {@link FailoverAutoConfiguration} or its own):
 * with Micrometer, {@link FailoverMetrics}; with Actuator, the {@code failover} health indicator and endpoint;
 * with OkHttp or gRPC on the class path, customizers that wire them to the resolver.
 */
@AutoConfiguration(after = FailoverAutoConfiguration.class)
@ConditionalOnProperty(prefix = "failover", name = "enabled", matchIfMissing = true)
@ConditionalOnBean(FailoverResolver.class)
public class FailoverSupportAutoConfiguration {

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"io.micrometer.core.instrument.binder.MeterBinder",
      "io.github.failoverresolver.micrometer.FailoverMetrics"})
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
  static class Grpc {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    FailoverGrpcChannelCustomizer failoverGrpcChannelCustomizer(FailoverResolver resolver) {
      return new FailoverGrpcChannelCustomizer(resolver);
    }
  }
}
