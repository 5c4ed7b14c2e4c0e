package io.agentworkspace.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.agentworkspace.infrastructure.RejectedCommand;

class ProjectSourceTest {

    @ParameterizedTest
    @ValueSource(strings = {"https://github.com/acme/repo.git", "http://git.local/acme/repo", "ssh://git@host:2222/a/b.git",
            "git://host/a/b.git", "git@github.com:acme/repo.git", "ssh://git@host.example/a/b.git"})
    void acceptsGitUrls(String url) {
        assertThat(ProjectSource.gitUrl(url).kind()).isEqualTo(ProjectSource.Kind.GIT_URL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "not a url", "ftp://host/a/b.git", "file:///etc/passwd", "https://host",
            "https://user:hunter2@host/a/b.git", "https://ghp_hunter2@host/a/b.git", "https://host/a/b.git?x=1", "https://host/a b.git", " https://host/a/b.git",
            "https://host/a/b.git\n", "/local/path", "C:\\repos\\x", "git@host:/", "git@host:\\x"})
    void refusesEverythingElseNamingTheField(String url) {
        assertThatThrownBy(() -> ProjectSource.gitUrl(url))
                .isInstanceOfSatisfying(RejectedCommand.class, rejected -> {
                    assertThat(rejected.field()).isEqualTo("gitUrl");
                    assertThat(rejected.reason()).isEqualTo(RejectedCommand.Reason.INVALID);
                    assertThat(rejected.getMessage()).doesNotContain("hunter2");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"relative/path", "", "./x", "/tmp/a\u0000b", "~/repo"})
    void refusesLocalPathsThatAreNotPlainAbsolutePaths(String path) {
        assertThatThrownBy(() -> ProjectSource.localPath(path))
                .isInstanceOfSatisfying(RejectedCommand.class, rejected -> assertThat(rejected.field()).isEqualTo("localPath"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/srv/repos/a", "/srv/repos/../repos/a"})
    void normalizesAbsoluteLocalPaths(String path) {
        assertThat(ProjectSource.localPath(path).location()).isEqualTo("/srv/repos/a");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://host/a/b.git"})
    void refusesOverlongLocations(String prefix) {
        assertThatThrownBy(() -> ProjectSource.gitUrl(prefix + "x".repeat(ProjectSource.MAX_LENGTH)))
                .isInstanceOf(RejectedCommand.class);
    }
}
