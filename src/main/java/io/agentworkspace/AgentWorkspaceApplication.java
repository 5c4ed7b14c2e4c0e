package io.agentworkspace;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import io.agentworkspace.ops.OpsCommandLine;

@SpringBootApplication
@ConfigurationPropertiesScan
public class AgentWorkspaceApplication {

    public static void main(String[] args) {
        if (args.length > 0 && "ops".equals(args[0])) {
            System.exit(OpsCommandLine.run(AgentWorkspaceApplication.class, java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        SpringApplication.run(AgentWorkspaceApplication.class, args);
    }
}
