package dev.gatehouse.testing;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Many requests released at the same moment, for races that must have one winner: each racer is a
 * virtual thread that waits at a latch until all are ready. Used by the reliability suite (one
 * server) and the multi-node tests (racer i to node i % n).
 *
 * @param responses each racer's answer, in racer order
 * @param millis from the release until the last answer
 */
public record Race(List<HttpResponse<String>> responses, long millis) {
    /** Runs {@code racers} calls of {@code request} (given the racer's number) at once. */
    public static Race run(int racers, IntFunction<HttpResponse<String>> request) throws Exception {
        CountDownLatch ready = new CountDownLatch(racers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> futures = new ArrayList<>();
        long started;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < racers; i++) {
                int racer = i;
                futures.add(threads.submit(() -> {
                    ready.countDown();
                    go.await();
                    return request.apply(racer);
                }));
            }
            ready.await();
            started = System.nanoTime();
            go.countDown();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (Future<HttpResponse<String>> future : futures) {
            responses.add(future.get());
        }
        return new Race(responses, millis);
    }

    /** How many answers of each kind: {@code "201"}, {@code "409 AccountNameInUse"}, sorted. */
    public Map<String, Long> byAnswer() {
        Map<String, Long> answers = new TreeMap<>();
        for (HttpResponse<String> r : responses) {
            String code = r.statusCode() >= 400 ? " " + TestServer.json(r).path("error_code").asText() : "";
            answers.merge(r.statusCode() + code, 1L, Long::sum);
        }
        return answers;
    }
}
