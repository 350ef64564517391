package dev.streamrpc.discovery;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * The application's title, version and description ({@code stream.api.title},
 * {@code stream.api.version}, {@code stream.api.description}), as both documents' {@code info}.
 */
record ApiInfo(String title, String version, String description) {

    /** How the protocol differs from JSON-RPC 2.0, for readers of either document. */
    static final String ENVELOPE = "Requests and replies travel over the /stream WebSocket, one JSON document per text frame. "
            + "The envelope is not JSON-RPC 2.0: there is no \"jsonrpc\" member; a request is "
            + "{\"id\", \"method\", \"payload\"}, where payload is JSON-RPC's by-name params object (absent or null means {}); "
            + "a success reply is {\"id\", \"method\", \"response\"}, where response is JSON-RPC's result; "
            + "an error reply is {\"id\", \"method\", \"error\": {\"message\", \"errors\"}} and carries no code: "
            + "the message text identifies the error and errors maps payload fields to what is wrong with them "
            + "(the codes in this document are JSON-RPC's equivalents, for tools). "
            + "Every request needs an id and gets exactly one reply; there are no notifications and no batches.";

    /** The {@code info} object, with the application's description (if any) before {@code about}. */
    JsonObject toJson(String about) {
        String text = description.isBlank() ? about : description + "\n\n" + about;
        return Json.createObjectBuilder().add("title", title).add("version", version).add("description", text).build();
    }
}
