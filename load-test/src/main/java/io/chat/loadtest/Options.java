package io.chat.loadtest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** {@code --name value} / {@code --name=value} / {@code --flag} options; every option read is recorded in the result. */
public final class Options {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> used = new LinkedHashMap<>();

    public static Options parse(String[] args, int from) {
        Options o = new Options();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "' (options are --name value)");
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                value = "true";
            }
            o.values.put(name, value);
        }
        return o;
    }

    public String str(String name, String def) {
        String v = values.getOrDefault(name, def);
        used.put(name, v);
        return v;
    }

    public int integer(String name, int def) {
        return Integer.parseInt(str(name, String.valueOf(def)).replace("_", ""));
    }

    public double dbl(String name, double def) {
        return Double.parseDouble(str(name, String.valueOf(def)));
    }

    public boolean flag(String name, boolean def) {
        return Boolean.parseBoolean(str(name, String.valueOf(def)));
    }

    /** The options actually used (defaults included), for the result file. */
    public Map<String, String> used() {
        return used;
    }

    /** Options given on the command line that no code read: most likely typos. */
    public Set<String> unknown() {
        Set<String> s = new TreeSet<>(values.keySet());
        s.removeAll(used.keySet());
        return s;
    }
}
