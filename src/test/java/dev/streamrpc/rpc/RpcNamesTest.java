package dev.streamrpc.rpc;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class RpcNamesTest {

    @ParameterizedTest
    @CsvSource({
        "echo, echo",
        "serverInfo, server_info",
        "getHTTPStatus, get_http_status",
        "placeOrder2, place_order2",
        "v2Api, v2_api",
        "already_snake, already_snake",
    })
    void javaNamesBecomeSnakeCase(String javaName, String rpcName) {
        assertThat(RpcNames.snakeCase(javaName)).isEqualTo(rpcName);
    }
}
