package dev.breakglass.bot.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The benchmark reads the heap in use from {@code jcmd GC.heap_info} for every collector, never Metaspace. */
class HeapInfoTest {
    @Test
    void g1HasOneHeapLine() {
        String info = """
                12345:
                 garbage-first heap   total 393216K, used 63856K [0x00000000e8000000, 0x0000000100000000)
                  region size 1024K, 5 young (5120K), 0 survivors (0K)
                 Metaspace       used 71234K, committed 72000K, reserved 1114112K
                  class space    used 8000K, committed 8448K, reserved 1048576K
                """;
        assertEquals(63856, Benchmark.heapInUseKib(info));
    }

    @Test
    void serialSumsItsGenerations() {
        String info = """
                12345:
                 def new generation   total 9792K, used 1234K [0x00000000e8000000, 0x00000000e8aa0000, 0x00000000f0000000)
                  eden space 8704K,  14% used [0x00000000e8000000, 0x00000000e8134000, 0x00000000e8880000)
                 tenured generation   total 21888K, used 13000K [0x00000000f0000000, 0x00000000f1560000, 0x0000000100000000)
                   the space 21888K,  59% used [0x00000000f0000000, 0x00000000f0cb2000, 0x00000000f0cb2000, 0x00000000f1560000)
                 Metaspace       used 70000K, committed 71000K, reserved 1114112K
                """;
        assertEquals(14234, Benchmark.heapInUseKib(info));
    }

    @Test
    void jdk25NamesTheGenerationsAndTheG1HeapItsOwnWay() {
        String serial = """
                4797:
                DefNew     total 116160K, used 31005K [0x0000000687400000, 0x000000068f200000, 0x0000000704d50000)
                 eden space 103296K,  30% used [0x0000000687400000, 0x00000006892475d0, 0x000000068d8e0000)
                 from space 12864K,   0% used [0x000000068d8e0000, 0x000000068d8e0000, 0x000000068e570000)
                 to   space 12864K,   0% used [0x000000068e570000, 0x000000068e570000, 0x000000068f200000)
                Tenured    total 258048K, used 1166K [0x0000000704d50000, 0x0000000714950000, 0x0000000800000000)
                 the  space 258048K,   0% used [0x0000000704d50000, 0x0000000704e73ab8, 0x0000000714950000)
                """;
        String g1 = """
                4837:
                garbage-first heap   total reserved 6172672K, committed 393216K, used 11234K [0x0000000687400000, 0x0000000800000000)
                 region size 4096K, 3 young (12288K), 1 survivors (4096K)
                """;
        assertEquals(31005 + 1166, Benchmark.heapInUseKib(serial));
        assertEquals(11234, Benchmark.heapInUseKib(g1));
    }

    @Test
    void noHeapLineIsUnknown() {
        assertEquals(-1, Benchmark.heapInUseKib("12345:\nSomething went wrong\n"));
    }
}
