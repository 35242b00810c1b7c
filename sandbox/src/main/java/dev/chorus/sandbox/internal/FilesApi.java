package dev.chorus.sandbox.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/files}, {@code GET /v1/files/{id}}, {@code GET /v1/files/{id}/content} (streamed
 * from disk) and {@code DELETE /v1/files/{id}}; uploads ({@code POST /v1/files}) are
 * {@link FileUploads}' part. Stateless; runs on the event loop.
 */
final class FilesApi {
    private FilesApi() {
    }

    static void answer(Exchange ex, FileStore files) {
        String rest = ex.path().substring("/v1/files".length());
        if (rest.isEmpty() || rest.equals("/")) {
            if (!ex.method.equals("GET")) {
                throw ApiError.methodNotAllowed(ex.method, ex.path(), "GET (POST is an upload: multipart/form-data)");
            }
            ObjectNode out = Json.MAPPER.createObjectNode().put("object", "list");
            ArrayNode data = out.putArray("data");
            files.all().forEach(f -> data.add(f.json()));
            ex.sendJson(200, Json.bytes(out));
            return;
        }
        String[] parts = rest.substring(1).split("/");
        FileStore.Stored f = files.get(parts[0]);
        if (f == null || parts.length > 2 || parts.length == 2 && !parts[1].equals("content")) {
            throw ApiError.notFound("No file with id '" + parts[0] + "'.");
        }
        if (parts.length == 2) {
            if (!ex.method.equals("GET")) {
                throw ApiError.methodNotAllowed(ex.method, ex.path(), "GET");
            }
            ex.sendFile(f.path(), f.bytes());
        } else if (ex.method.equals("GET")) {
            ex.sendJson(200, Json.bytes(f.json()));
        } else if (ex.method.equals("DELETE")) {
            boolean deleted = files.delete(f.id());
            ex.sendJson(200, Json.bytes(Json.MAPPER.createObjectNode().put("id", f.id()).put("object", "file")
                    .put("deleted", deleted)));
        } else {
            throw ApiError.methodNotAllowed(ex.method, ex.path(), "GET or DELETE");
        }
    }
}
