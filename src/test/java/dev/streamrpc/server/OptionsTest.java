package dev.streamrpc.server;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OptionsTest {

    private static final Path WAR = Path.of("streamrpc.war");

    @Test
    void jettyGetsFourThreadsPerCoreAndNeverFewerThanEight() {
        assertThat(Options.parse(new String[0], Map.of(), WAR, 1).threads()).isEqualTo(8);
        assertThat(Options.parse(new String[0], Map.of(), WAR, 2).threads()).isEqualTo(8);
        assertThat(Options.parse(new String[0], Map.of(), WAR, 16).threads()).isEqualTo(64);
    }

    @Test
    void theThreadCapComesFromTheVariableOrTheCommandLineWhichWins() {
        assertThat(Options.parse(new String[0], Map.of("STREAM_JETTY_THREADS", "40"), WAR, 2).threads()).isEqualTo(40);
        assertThat(Options.parse(new String[] {"--threads", "12"}, Map.of("STREAM_JETTY_THREADS", "40"), WAR, 2).threads()).isEqualTo(12);
        assertThat(Options.parse(new String[] {"--threads=20"}, Map.of(), WAR, 2).threads()).isEqualTo(20);
    }

    @Test
    void aThreadCapTooSmallOrNotANumberIsRefusedByName() {
        assertThatThrownBy(() -> Options.parse(new String[] {"--threads", "4"}, Map.of(), WAR, 2))
                .hasMessage("Jetty needs at least 8 threads, not 4");
        assertThatThrownBy(() -> Options.parse(new String[0], Map.of("STREAM_JETTY_THREADS", "many"), WAR, 2))
                .hasMessage("Not a thread count: many");
    }

    @Test
    void portAndWarAreReadAsBefore() {
        Options options = Options.parse(new String[] {"--war=app.war"}, Map.of("PORT", "9090"), WAR, 2);
        assertThat(options.port()).isEqualTo(9090);
        assertThat(options.war()).isEqualTo(Path.of("app.war"));
        assertThat(Options.parse(new String[0], Map.of(), WAR, 2).port()).isEqualTo(Options.DEFAULT_PORT);
        assertThatThrownBy(() -> Options.parse(new String[] {"--port", "70000"}, Map.of(), WAR, 2))
                .hasMessage("Port out of range: 70000");
        assertThatThrownBy(() -> Options.parse(new String[] {"--verbose"}, Map.of(), WAR, 2))
                .hasMessage("Unknown argument '--verbose'");
        assertThatThrownBy(() -> Options.parse(new String[] {"--war=app.war", "--port"}, Map.of(), WAR, 2))
                .hasMessage("--port needs a value");
    }

    @Test
    void helpIsAskedForAnywhereOnTheLine() {
        assertThat(Options.asksForHelp(new String[] {"--port", "1", "--help"})).isTrue();
        assertThat(Options.asksForHelp(new String[] {"-h"})).isTrue();
        assertThat(Options.asksForHelp(new String[] {"--port", "1"})).isFalse();
    }
}
