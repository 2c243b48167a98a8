package chat.redis;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NettyLeakDetectorTest {

    private final ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();

    @AfterEach
    void restore() {
        System.clearProperty("io.netty.leakDetection.level");
        ResourceLeakDetector.setLevel(before);
    }

    @Test
    void offUnlessTheOperatorAsksForIt() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        Redis.quietNettyLeakDetector();
        assertEquals(ResourceLeakDetector.Level.DISABLED, ResourceLeakDetector.getLevel());
    }

    @Test
    void anOperatorsLevelIsLeftAsItIs() {
        System.setProperty("io.netty.leakDetection.level", "paranoid");
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        Redis.quietNettyLeakDetector();
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());
    }
}
