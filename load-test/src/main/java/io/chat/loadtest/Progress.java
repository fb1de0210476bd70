package io.chat.loadtest;

import java.io.PrintStream;
import java.util.function.Supplier;

/** The one progress line on stderr, rewritten every second: elapsed time, phase, the phase's own counters. */
public final class Progress implements AutoCloseable {
    private final PrintStream out;
    private final long start = System.nanoTime();
    private final Thread thread;
    private final boolean tty;
    private volatile String phase = "starting";
    private volatile Supplier<String> detail = () -> "";
    private volatile boolean running = true;
    private int lastLength;

    public Progress(PrintStream out) {
        this.out = out;
        // bench.sh says whether stderr is a terminal (System.console() cannot tell on every JDK)
        this.tty = "1".equals(System.getenv("BENCH_TTY"));
        this.thread = new Thread(this::loop, "progress");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** A new phase: the previous line is finished and kept, the new one starts. */
    public synchronized void phase(String name, Supplier<String> detail) {
        print(true);
        this.phase = name;
        this.detail = detail;
        print(false);
    }

    public void phase(String name) {
        phase(name, () -> "");
    }

    private void loop() {
        long ticks = 0;
        while (running) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            ticks++;
            synchronized (this) {
                // without a terminal (CI, a pipe) a line every 10 s is enough
                if (running && (tty || ticks % 10 == 0)) {
                    print(!tty);
                }
            }
        }
    }

    private void print(boolean finish) {
        String d;
        try {
            d = detail.get();
        } catch (RuntimeException e) {
            d = "";
        }
        String line = String.format("[%6.1fs] %s%s", (System.nanoTime() - start) / 1e9, phase, d.isEmpty() ? "" : ": " + d);
        if (tty) {
            String pad = line.length() < lastLength ? " ".repeat(lastLength - line.length()) : "";
            out.print("\r" + line + pad + (finish ? "\n" : ""));
            lastLength = finish ? 0 : line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    @Override
    public synchronized void close() {
        running = false;
        thread.interrupt();
        print(true);
    }
}
