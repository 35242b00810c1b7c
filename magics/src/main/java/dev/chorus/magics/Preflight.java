package dev.chorus.magics;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.chorus.client.ChatRequest;
import dev.chorus.client.Message;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pre-flight guard of a fan-out: before anything is sent, how many requests will go out, their
 * prompt tokens counted with a real tokenizer (jtokkit: o200k_base for OpenAI's 4o, 4.1, 5 and o
 * models, cl100k_base otherwise, an estimate for other vendors' models), and, where a price is
 * known, what they will cost. Above a threshold the user is asked, through stdin.
 *
 * <p>Stateless and thread-safe; the tokenizer is loaded on first use.
 */
final class Preflight {
    /** Output tokens per request assumed when {@code --max-tokens} is not given. */
    static final int ASSUMED_OUTPUT = 256;
    /** Default thresholds: ask above this many requests. */
    static final int DEFAULT_REQUESTS = 1000;
    private static final int PER_MESSAGE = 4;
    private static final int PER_REQUEST = 3;

    private Preflight() {
    }

    private static final class Tokenizers {
        static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
    }

    /**
     * A price per million tokens.
     *
     * @param in       per million prompt tokens
     * @param out      per million completion tokens
     * @param currency e.g. USD, RUB
     * @param source   where it came from (for the line), e.g. "built-in", "--price", "CHORUS_PRICES"
     */
    record Price(double in, double out, String currency, String source) {
        /** The price of the provider's Batch API: half, as OpenAI and Azure charge it. */
        Price batch() {
            return new Price(in / 2, out / 2, currency, source + ", halved for a batch");
        }

        String symbol() {
            return currency.equals("USD") ? "$" : currency.equals("EUR") ? "€" : currency.equals("RUB") ? "₽" : "";
        }

        String money(double amount) {
            if (amount > 0 && amount < 0.0001) {
                return "< " + money(0.0001);
            }
            String n = amount < 0.01 ? String.format(Locale.ROOT, "%.4f", amount)
                    : String.format(Locale.ROOT, "%,.2f", amount);
            String sym = symbol();
            return sym.isEmpty() ? n + " " + currency : sym.equals("₽") ? n + " ₽" : sym + n;
        }

        /** The cost of {@code prompt} and {@code completion} tokens at this price. */
        double cost(long prompt, long completion) {
            return (prompt * in + completion * out) / 1e6;
        }

        /** An estimate of {@code amount}: {@code ≈ $0.38}, or {@code < $0.0001} for less. */
        String approx(double amount) {
            String m = money(amount);
            return m.startsWith("<") ? m : "≈ " + m;
        }

        /** The cost threshold above which a run asks, in this price's currency (1 USD or EUR, 100 RUB). */
        double defaultThreshold() {
            return currency.equals("RUB") ? 100 : 1;
        }
    }

    /** Built-in prices, USD per million tokens (OpenAI's list prices for standard processing). */
    static final Map<String, double[]> BUILT_IN = Map.ofEntries(
            Map.entry("gpt-4o", new double[] {2.50, 10.00}),
            Map.entry("gpt-4o-mini", new double[] {0.15, 0.60}),
            Map.entry("gpt-4.1", new double[] {2.00, 8.00}),
            Map.entry("gpt-4.1-mini", new double[] {0.40, 1.60}),
            Map.entry("gpt-4.1-nano", new double[] {0.10, 0.40}),
            Map.entry("o3", new double[] {2.00, 8.00}),
            Map.entry("o4-mini", new double[] {1.10, 4.40}),
            Map.entry("gpt-5", new double[] {1.25, 10.00}),
            Map.entry("gpt-5-mini", new double[] {0.25, 2.00}),
            Map.entry("gpt-5-nano", new double[] {0.05, 0.40}));

    /**
     * What a run will send.
     *
     * @param requests     requests not cached
     * @param promptTokens their prompt tokens, counted
     * @param outputTokens their completion tokens: {@code --max-tokens} each, or {@link #ASSUMED_OUTPUT} each
     * @param assumed      true when the output tokens are the assumption
     * @param cached       rows answered from the cache
     * @param price        the model's price (null without one, or for several models)
     * @param encoding     the tokenizer's name
     * @param models       the models the requests go to
     * @param total        the estimated cost, NaN when a model has no price
     * @param unpriced     a model without a price, or null
     */
    record Estimate(int requests, long promptTokens, long outputTokens, boolean assumed, int cached, Price price,
                    String encoding, List<String> models, double total, String unpriced) {
        /** The estimated cost, or NaN when a price is missing. */
        double cost() {
            return total;
        }


        /** One line, e.g. {@code pre-flight: 2,400 requests (200 of 2,600 cached) · 1.2M prompt tokens …}. */
        String line() {
            String model = models.size() == 1 ? models.get(0)
                    : models.size() + " models (" + String.join(", ", models) + ")";
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "pre-flight: %,d request%s", requests,
                    requests == 1 ? "" : "s"));
            if (cached > 0) {
                b.append(String.format(Locale.ROOT, " (%,d of %,d cached)", cached, requests + cached));
            }
            b.append(String.format(Locale.ROOT, " to %s · %s prompt tokens (%s) + %s%s completion tokens", model,
                    tokens(promptTokens), encoding, assumed ? "~" : "at most ", tokens(outputTokens)));
            if (assumed) {
                b.append(" (").append(ASSUMED_OUTPUT).append(" assumed per answer: no --max-tokens)");
            }
            if (unpriced != null) {
                b.append(" · no price known for ").append(unpriced).append(" (--price in=…,out=… or CHORUS_PRICES)");
            } else if (models.size() == 1) {
                b.append(String.format(Locale.ROOT, " · %s at %s/%s per M tokens (%s)", price.approx(cost()),
                        price.money(price.in()), price.money(price.out()), price.source()));
            } else {
                b.append(" · ").append(price.approx(cost())).append(" at each model's price");
            }
            return b.toString();
        }
    }

    static String tokens(long n) {
        if (n >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        }
        if (n >= 10_000) {
            return String.format(Locale.ROOT, "%.0fk", n / 1e3);
        }
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** The tokenizer for {@code model}. */
    static Encoding encoding(String model) {
        String m = model == null ? "" : model.toLowerCase(Locale.ROOT);
        int slash = m.lastIndexOf('/');
        if (slash >= 0) {
            m = m.substring(slash + 1);
        }
        boolean o200k = m.startsWith("gpt-4o") || m.startsWith("gpt-4.1") || m.startsWith("gpt-5")
                || m.matches("o[1-9].*") || m.startsWith("chatgpt-4o");
        return Tokenizers.REGISTRY.getEncoding(o200k ? EncodingType.O200K_BASE : EncodingType.CL100K_BASE);
    }

    /**
     * The estimate of sending {@code requests} (the uncached ones) to {@code model}; {@code perRequest}
     * is text every request also carries (a structured answer's schema), or null.
     */
    static Estimate estimate(List<ChatRequest> requests, int cached, String model, Integer maxTokens, Price price,
                             String perRequest) {
        Encoding enc = encoding(model);
        long extra = perRequest == null ? 0 : enc.countTokensOrdinary(perRequest);
        long prompt = 0;
        for (ChatRequest r : requests) {
            prompt += PER_REQUEST + extra;
            for (Message m : r.messages()) {
                prompt += PER_MESSAGE + (m.content() == null ? 0 : enc.countTokensOrdinary(m.content()));
            }
        }
        long out = (long) requests.size() * (maxTokens != null ? maxTokens : ASSUMED_OUTPUT);
        double total = price == null ? Double.NaN : price.cost(prompt, out);
        return new Estimate(requests.size(), prompt, out, maxTokens == null, cached, price, enc.getName(), List.of(model),
                total, price == null ? model : null);
    }

    /**
     * The estimate of a grid's requests to several models: the requests grouped by model, each
     * counted with its tokenizer and priced with its price ({@code prices}: model to price, or null).
     */
    static Estimate estimate(Map<String, List<ChatRequest>> byModel, int cached, Integer maxTokens,
                             java.util.function.Function<String, Price> prices, String perRequest) {
        int requests = 0;
        long prompt = 0;
        long out = 0;
        double total = 0;
        String unpriced = null;
        Price first = null;
        List<String> encodings = new java.util.ArrayList<>();
        for (Map.Entry<String, List<ChatRequest>> e : byModel.entrySet()) {
            Price p = prices.apply(e.getKey());
            Estimate one = estimate(e.getValue(), 0, e.getKey(), maxTokens, p, perRequest);
            requests += one.requests();
            prompt += one.promptTokens();
            out += one.outputTokens();
            if (!encodings.contains(one.encoding())) {
                encodings.add(one.encoding());
            }
            if (p == null) {
                unpriced = unpriced == null ? e.getKey() : unpriced;
            } else if (first == null) {
                first = p;
            } else if (!first.currency().equals(p.currency())) {
                unpriced = unpriced == null ? e.getKey() + " (in " + p.currency() + ", not " + first.currency() + ")"
                        : unpriced;
            }
            total += one.cost();
        }
        return new Estimate(requests, prompt, out, maxTokens == null, cached, first, String.join(", ", encodings),
                List.copyOf(byModel.keySet()), unpriced == null ? total : Double.NaN, unpriced);
    }

    /**
     * The price of {@code model}: {@code --price} first, then {@code CHORUS_PRICES}
     * ({@code model=in/out[/CUR];…}), then the built-in table; null when none is known.
     *
     * @throws IllegalArgumentException with a one-line reason for a malformed price
     */
    static Price price(String model, String option, String env) {
        if (option != null) {
            return parseOption(option);
        }
        if (env != null && !env.isBlank()) {
            for (String entry : env.split(";")) {
                if (entry.isBlank()) {
                    continue;
                }
                int eq = entry.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("CHORUS_PRICES: expected model=in/out[/CURRENCY] entries separated"
                            + " by ';', got '" + entry.strip() + "'");
                }
                if (entry.substring(0, eq).strip().equalsIgnoreCase(model)) {
                    String[] parts = entry.substring(eq + 1).strip().split("/");
                    if (parts.length < 2 || parts.length > 3) {
                        throw new IllegalArgumentException("CHORUS_PRICES: expected model=in/out[/CURRENCY], got '"
                                + entry.strip() + "'");
                    }
                    return new Price(number("CHORUS_PRICES " + model + " in", parts[0]),
                            number("CHORUS_PRICES " + model + " out", parts[1]),
                            parts.length == 3 ? currency(parts[2]) : "USD", "CHORUS_PRICES");
                }
            }
        }
        double[] p = model == null ? null : BUILT_IN.get(model.toLowerCase(Locale.ROOT));
        return p == null ? null : new Price(p[0], p[1], "USD", "built-in list price");
    }

    /** {@code in=0.15,out=0.6[,currency=RUB]}. */
    static Price parseOption(String text) {
        Double in = null;
        Double out = null;
        String cur = "USD";
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            String k = eq < 0 ? part.strip() : part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String v = eq < 0 ? "" : part.substring(eq + 1).strip();
            switch (k) {
                case "in" -> in = number("--price in", v);
                case "out" -> out = number("--price out", v);
                case "currency" -> cur = currency(v);
                default -> throw new IllegalArgumentException("--price expects in=…,out=…[,currency=…] per million"
                        + " tokens, got '" + text + "'");
            }
        }
        if (in == null || out == null) {
            throw new IllegalArgumentException("--price needs both in=… and out=… (per million tokens), got '" + text + "'");
        }
        return new Price(in, out, cur, "--price");
    }

    private static double number(String what, String v) {
        try {
            double d = Double.parseDouble(v);
            if (d < 0 || Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " expects a price per million tokens like 0.15, got '" + v + "'");
        }
    }

    private static String currency(String v) {
        String c = v.strip().toUpperCase(Locale.ROOT);
        if (!c.matches("[A-Z]{3}")) {
            throw new IllegalArgumentException("a currency is a three-letter code such as USD or RUB, got '" + v + "'");
        }
        return c;
    }

    /**
     * The thresholds above which a run asks: {@code CHORUS_CONFIRM_ABOVE} ({@code requests=N,cost=X}),
     * else 1,000 requests and the price's default cost.
     *
     * @return {requests, cost} where cost is NaN for "the price's default"
     */
    static double[] thresholds(String env) {
        double requests = DEFAULT_REQUESTS;
        double cost = Double.NaN;
        if (env != null && !env.isBlank()) {
            for (String part : env.split(",")) {
                int eq = part.indexOf('=');
                String k = eq < 0 ? part.strip() : part.substring(0, eq).strip();
                String v = eq < 0 ? "" : part.substring(eq + 1).strip();
                switch (k) {
                    case "requests" -> requests = number("CHORUS_CONFIRM_ABOVE requests", v);
                    case "cost" -> cost = number("CHORUS_CONFIRM_ABOVE cost", v);
                    default -> throw new IllegalArgumentException("CHORUS_CONFIRM_ABOVE expects requests=N,cost=X, got '"
                            + env + "'");
                }
            }
        }
        return new double[] {requests, cost};
    }

    /** True when {@code e} is above the thresholds. */
    static boolean needsYes(Estimate e, double[] thresholds) {
        if (e.requests() > thresholds[0]) {
            return true;
        }
        if (e.price() == null || Double.isNaN(e.cost())) {
            return false;
        }
        double cost = Double.isNaN(thresholds[1]) ? e.price().defaultThreshold() : thresholds[1];
        return e.cost() > cost;
    }
}
