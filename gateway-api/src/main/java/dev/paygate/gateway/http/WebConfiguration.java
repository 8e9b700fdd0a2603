package dev.paygate.gateway.http;

import dev.paygate.gateway.auth.ApiContextResolver;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;

@Configuration
class WebConfiguration implements WebFluxConfigurer {

    private final ApiContextResolver apiContextResolver;

    public WebConfiguration(ApiContextResolver apiContextResolver) {
        this.apiContextResolver = apiContextResolver;
    }

    @Override
    public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
        configurer.addCustomResolver(apiContextResolver);
    }
}
