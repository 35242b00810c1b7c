package dev.chorus.kernel;

import com.google.gson.Gson;
import com.google.gson.annotations.SerializedName;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.messages.ContentType;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.reply.KernelInfoReply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reply contents that jjava 1.0-a6 serializes short of the protocol: kernel_info_reply and
 * history_reply without {@code status}, history entries as objects instead of
 * {@code [session, line, input]} tuples, user_expressions without {@code status}.
 */
final class Replies {

    private static final Gson GSON = new Gson();

    private Replies() {
    }

    /** kernel_info_reply with {@code status: ok}. */
    static final class KernelInfo extends KernelInfoReply {
        @SuppressWarnings("unused")
        private final String status = "ok";

        KernelInfo(String protocolVersion, String name, String version, LanguageInfo info, String banner,
                   List<HelpLink> links) {
            super(protocolVersion, name, version, info, banner, links);
        }
    }

    /** history_reply: {@code status} and entries as tuples. */
    static final class History implements ContentType<History> {
        @SuppressWarnings("unused")
        private final String status = "ok";
        @SuppressWarnings("unused")
        private final List<List<Object>> history;

        History(List<HistoryEntry> entries) {
            List<List<Object>> rows = new ArrayList<>();
            for (HistoryEntry e : entries) {
                List<Object> row = new ArrayList<>(List.of(e.getSession(), e.getCellNumber()));
                row.add(e.hasOutput() ? List.of(e.getInput(), e.getOutput()) : e.getInput());
                rows.add(row);
            }
            this.history = rows;
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public MessageType<History> getType() {
            return (MessageType) MessageType.HISTORY_REPLY;
        }
    }

    /** execute_reply with status ok and user_expressions in the protocol's shape. */
    static final class ExecuteOk implements ContentType<ExecuteOk> {
        @SuppressWarnings("unused")
        private final String status = "ok";
        @SerializedName("execution_count")
        @SuppressWarnings("unused")
        private final int count;
        @SerializedName("user_expressions")
        @SuppressWarnings("unused")
        private final Map<String, Object> userExpressions;
        @SuppressWarnings("unused")
        private final List<Object> payload = List.of();

        ExecuteOk(int count, Map<String, Object> userExpressions) {
            this.count = count;
            this.userExpressions = userExpressions;
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public MessageType<ExecuteOk> getType() {
            return (MessageType) MessageType.EXECUTE_REPLY;
        }
    }

    /**
     * execute_reply of a request that was not run because a cell before it failed with
     * {@code stop_on_error} (Run All stops at the first error, as in ipykernel).
     */
    static final class ExecuteAborted implements ContentType<ExecuteAborted> {
        @SuppressWarnings("unused")
        private final String status = "aborted";

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public MessageType<ExecuteAborted> getType() {
            return (MessageType) MessageType.EXECUTE_REPLY;
        }
    }

    /** One user expression's value: {@code {status: ok, data, metadata}}. */
    static Map<String, Object> expressionValue(DisplayData d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        var tree = GSON.toJsonTree(d, DisplayData.class).getAsJsonObject();
        m.put("data", tree.has("data") ? tree.get("data") : new com.google.gson.JsonObject());
        m.put("metadata", tree.has("metadata") ? tree.get("metadata") : new com.google.gson.JsonObject());
        return m;
    }

    /** One user expression's failure: {@code {status: error, ename, evalue, traceback}}. */
    static Map<String, Object> expressionError(CellException e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "error");
        m.put("ename", e.ename());
        m.put("evalue", e.evalue());
        m.put("traceback", e.traceback());
        return m;
    }
}
