package dev.chorus.magics;

import dev.chorus.client.ChatRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A prompt × model × parameter grid of one fan-out: the templates (a body with variants separated
 * by {@code ---} lines, or {@code --prompts VAR}), {@code --models a,b,c} and each
 * {@code --vary name=v1,v2} make the cross product of {@link Variant}s; every input row is sent
 * once per variant, under one concurrency and rate budget.
 *
 * <p>Immutable. Bad arguments are the magic's one-line errors.
 */
record Grid(List<String> templates, List<String> models, Map<String, List<Object>> vary, List<Variant> variants) {

    /** Sampling parameters that a {@link ChatRequest} holds in fields of its own; others go as extra fields. */
    private static final List<String> FIELDS = List.of("temperature", "top_p", "max_tokens");

    /**
     * One cell of the grid.
     *
     * @param index    its position, 0-based
     * @param template its template's position
     * @param model    the model, or null for the run's model
     * @param params   the varied parameters and their values
     * @param label    e.g. {@code prompt 2 · gpt-4o · temperature=0.7}
     */
    record Variant(int index, int template, String model, Map<String, Object> params, String label) {

        /** {@code base} with this variant's model and parameters. */
        ChatRequest apply(ChatRequest base) {
            ChatRequest.Builder b = base.toBuilder();
            if (model != null) {
                b.model(model);
            }
            params.forEach((name, value) -> {
                switch (name) {
                    case "temperature" -> b.temperature(((Number) value).doubleValue());
                    case "top_p" -> b.topP(((Number) value).doubleValue());
                    case "max_tokens" -> b.maxTokens(((Number) value).intValue());
                    default -> b.extra(name, value);
                }
            });
            return b.build();
        }

        /** The temperature this variant asks for, or {@code fallback}. */
        Double temperature(Double fallback) {
            Object t = params.get("temperature");
            return t instanceof Number n ? n.doubleValue() : fallback;
        }
    }

    /** True when the call asks for more than one variant. */
    boolean isGrid() {
        return variants.size() > 1 || !models.isEmpty() || !vary.isEmpty();
    }

    /**
     * The grid of a call: {@code templates} (one or more), {@code models} ({@code --models}, or
     * null) and the {@code --vary} values.
     */
    static Grid of(List<String> templates, String models, List<String> varies, Options o) {
        List<String> modelList = new ArrayList<>();
        if (models != null) {
            for (String m : models.split(",")) {
                if (!m.isBlank()) {
                    modelList.add(m.strip());
                }
            }
            if (modelList.isEmpty()) {
                throw o.fail("--models expects a comma-separated list of models, got '" + models + "'");
            }
        }
        Map<String, List<Object>> vary = new LinkedHashMap<>();
        for (String v : varies) {
            int eq = v.indexOf('=');
            if (eq <= 0 || eq == v.length() - 1) {
                throw o.fail("--vary expects NAME=V1,V2 (a sampling parameter such as temperature=0,0.7), got '" + v + "'");
            }
            String name = v.substring(0, eq).strip().replace('-', '_');
            if (name.equals("model") || name.equals("messages")) {
                throw o.fail("--vary " + name + ": use --models for models, and --- between templates for prompts");
            }
            if (vary.containsKey(name)) {
                throw o.fail("--vary " + name + " is given twice");
            }
            List<Object> values = new ArrayList<>();
            for (String raw : v.substring(eq + 1).split(",")) {
                values.add(value(name, raw.strip(), o));
            }
            vary.put(name, values);
        }
        List<Variant> variants = new ArrayList<>();
        List<String> modelAxis = modelList.isEmpty() ? java.util.Collections.singletonList(null) : modelList;
        for (int t = 0; t < templates.size(); t++) {
            for (String model : modelAxis) {
                for (Map<String, Object> params : product(new ArrayList<>(vary.entrySet()), 0)) {
                    List<String> parts = new ArrayList<>();
                    if (templates.size() > 1) {
                        parts.add("prompt " + (t + 1));
                    }
                    if (model != null) {
                        parts.add(model);
                    }
                    params.forEach((k, val) -> parts.add(k + "=" + text(val)));
                    String label = parts.isEmpty() ? "default" : String.join(" · ", parts);
                    variants.add(new Variant(variants.size(), t, model, params, label));
                }
            }
        }
        return new Grid(List.copyOf(templates), List.copyOf(modelList), vary, List.copyOf(variants));
    }

    private static List<Map<String, Object>> product(List<Map.Entry<String, List<Object>>> axes, int from) {
        if (from == axes.size()) {
            List<Map<String, Object>> one = new ArrayList<>();
            one.add(new LinkedHashMap<>());
            return one;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object value : axes.get(from).getValue()) {
            for (Map<String, Object> rest : product(axes, from + 1)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put(axes.get(from).getKey(), value);
                m.putAll(rest);
                out.add(m);
            }
        }
        return out;
    }

    private static Object value(String name, String raw, Options o) {
        if (raw.isEmpty()) {
            throw o.fail("--vary " + name + ": an empty value");
        }
        if (raw.matches("-?\\d+")) {
            long n = Long.parseLong(raw);
            if (FIELDS.contains(name) && !name.equals("max_tokens")) {
                return (double) n;
            }
            return n;
        }
        try {
            double d = Double.parseDouble(raw);
            if (name.equals("max_tokens")) {
                throw o.fail("--vary max_tokens expects whole numbers, got '" + raw + "'");
            }
            return d;
        } catch (NumberFormatException notANumber) {
            if (FIELDS.contains(name)) {
                throw o.fail("--vary " + name + " expects numbers, got '" + raw + "'");
            }
            return raw.toLowerCase(Locale.ROOT).equals("true") ? Boolean.TRUE
                    : raw.toLowerCase(Locale.ROOT).equals("false") ? Boolean.FALSE : raw;
        }
    }

    /** A parameter's value as a label or a table shows it: {@code 0}, {@code 0.7}, {@code 42}, {@code low}. */
    static String text(Object value) {
        return value instanceof Double d ? Options.plain(d) : String.valueOf(value);
    }

    /** The templates of a body: its parts between lines that are exactly {@code ---}. */
    static List<String> templates(String body) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : (body == null ? "" : body).split("\n", -1)) {
            if (line.strip().equals("---")) {
                out.add(current.toString().strip());
                current.setLength(0);
            } else {
                current.append(line).append('\n');
            }
        }
        out.add(current.toString().strip());
        return out;
    }
}
