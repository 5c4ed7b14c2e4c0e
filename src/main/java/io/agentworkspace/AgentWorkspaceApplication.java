package io.agentworkspace;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class AgentWorkspaceApplication {

    public static void main(String[] args) {
        SpringApplication.run(AgentWorkspaceApplication.class, args);
    }
}
