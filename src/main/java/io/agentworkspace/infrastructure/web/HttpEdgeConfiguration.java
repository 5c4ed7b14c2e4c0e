package io.agentworkspace.infrastructure.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.boot.web.embedded.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.NettyPipeline;

/** What every HTTP connection of the server gets beside Reactor Netty's own handlers. */
@Configuration(proxyBeanMethods = false)
class HttpEdgeConfiguration {

    @Bean
    NettyServerCustomizer undecodableRequestsAnswered(ObjectMapper json) {
        return server -> server.doOnChannelInit((observer, channel, remoteAddress) -> {
            if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
                channel.pipeline().addAfter(NettyPipeline.HttpCodec, UndecodableRequests.NAME, new UndecodableRequests(json));
            }
        });
    }
}
