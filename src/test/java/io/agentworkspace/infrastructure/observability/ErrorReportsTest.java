package io.agentworkspace.infrastructure.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.sentry.Breadcrumb;
import io.sentry.Hint;
import io.sentry.SentryEvent;
import io.sentry.protocol.Message;
import io.sentry.protocol.Request;
import io.sentry.protocol.SentryException;
import io.sentry.protocol.User;
import org.junit.jupiter.api.Test;

class ErrorReportsTest {

    @Test
    void aReportLeavesWithoutTheRequestTheUserOrACredential() {
        String token = "aw_0123456789abcdef." + "B".repeat(43);
        SentryEvent event = new SentryEvent(new IllegalStateException("failed with Bearer " + token));
        Request request = new Request();
        request.setHeaders(Map.of("Authorization", "Bearer " + token));
        request.setData("{\"value\":\"the secret\"}");
        event.setRequest(request);
        User user = new User();
        user.setIpAddress("203.0.113.7");
        event.setUser(user);
        event.setBreadcrumbs(List.of(new Breadcrumb("GET /api/secrets/x?token=" + token)));
        event.setExtra("body", "the secret");
        Message message = new Message();
        message.setFormatted("run failed: upstream said password=hunter2hunter2");
        event.setMessage(message);
        SentryException exception = new SentryException();
        exception.setType("IllegalStateException");
        exception.setValue("failed with Bearer " + token);
        event.setExceptions(List.of(exception));

        SentryEvent sent = ErrorReports.scrubbed(event, new Hint());

        assertThat(sent.getRequest()).isNull();
        assertThat(sent.getUser()).isNull();
        assertThat(sent.getBreadcrumbs()).isNullOrEmpty();
        assertThat(sent.getExtras()).isNullOrEmpty();
        assertThat(sent.getThrowable()).isNull();
        assertThat(sent.getMessage().getFormatted()).isEqualTo("run failed: upstream said password=[scrubbed]");
        assertThat(sent.getExceptions().get(0).getValue()).isEqualTo("failed with Bearer [scrubbed]");
        assertThat(sent.getExceptions().get(0).getType()).isEqualTo("IllegalStateException");
    }
}
