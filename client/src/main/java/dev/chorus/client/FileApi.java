package dev.chorus.client;

import dev.chorus.client.internal.Json;
import dev.chorus.client.internal.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.ResponseBody;

/**
 * {@code client.files()}: uploads, reads and deletes files on the endpoint ({@code /files}), such
 * as a batch's JSONL input and the output it writes. Calls are authorised, retried and cancelled
 * on interrupt as chat calls are; a failure is a {@link ChorusException} naming the call.
 * Thread-safe.
 */
public final class FileApi {
    private static final MediaType JSONL = MediaType.get("application/jsonl");

    private final Calls calls;

    FileApi(Calls calls) {
        this.calls = calls;
    }

    /**
     * {@code POST /files} (multipart): uploads {@code file} with {@code purpose} ({@code batch} for a
     * batch's input). The body is streamed from the file, also when a retry sends it again.
     */
    public FileObject upload(Path file, String purpose) {
        return upload(file, purpose, RequestOptions.DEFAULT);
    }

    public FileObject upload(Path file, String purpose, RequestOptions options) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(purpose, "purpose");
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no file to upload at " + file);
        }
        HttpUrl url = calls.endpoint("files");
        String call = "POST " + url.encodedPath();
        RequestBody body = new MultipartBody.Builder().setType(MultipartBody.FORM)
                .addFormDataPart("purpose", purpose)
                .addFormDataPart("file", file.getFileName().toString(), RequestBody.create(file.toFile(), JSONL))
                .build();
        Request http = calls.request(url, options, "application/json").post(body).build();
        Transport.Reply r = calls.send(call, http, options);
        return Json.file(call, r.body(), r.requestId());
    }

    /** {@code GET /files/{id}}: the file's metadata. */
    public FileObject retrieve(String fileId) {
        return calls.json("GET", fileUrl(fileId, null), null, Json::file);
    }

    /**
     * {@code GET /files/{id}/content}: the file's bytes as a stream, read as they arrive (a batch's
     * output of millions of lines is never held whole). The caller closes it.
     */
    public InputStream content(String fileId) {
        HttpUrl url = fileUrl(fileId, "content");
        String call = "GET " + url.encodedPath();
        Transport.Reply r = calls.open(call, calls.request(url, RequestOptions.DEFAULT, "*/*").get().build(),
                RequestOptions.DEFAULT);
        ResponseBody body = r.response().body();
        return body.byteStream();
    }

    /**
     * Writes the file's content to {@code target}, streamed, through a temporary file beside it that
     * is moved into place once whole; returns the number of bytes.
     */
    public long download(String fileId, Path target) {
        Path dir = target.toAbsolutePath().getParent();
        try {
            java.nio.file.Files.createDirectories(dir);
            Path part = java.nio.file.Files.createTempFile(dir, target.getFileName().toString(), ".part");
            try (InputStream in = content(fileId)) {
                long n = java.nio.file.Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                java.nio.file.Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return n;
            } finally {
                java.nio.file.Files.deleteIfExists(part);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not download " + fileId + " to " + target + ": " + e.getMessage(), e);
        }
    }

    /** {@code DELETE /files/{id}}: whether the endpoint deleted it. */
    public boolean delete(String fileId) {
        return calls.json("DELETE", fileUrl(fileId, null), null, Json::deleted);
    }

    private HttpUrl fileUrl(String fileId, String then) {
        Objects.requireNonNull(fileId, "fileId");
        HttpUrl.Builder b = calls.endpoint("files").newBuilder().addPathSegment(fileId);
        if (then != null) {
            b.addPathSegment(then);
        }
        return b.build();
    }
}
