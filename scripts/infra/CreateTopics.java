import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Creates the project's fixed topics if they are missing, in one Admin call (one JVM start
 * instead of one kafka-topics run per topic). Run as a single-file program by scripts/infra.sh.
 */
public class CreateTopics {
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int partitions = Integer.parseInt(args[1]);
        List<NewTopic> topics = List.of("chat.commands", "chat.events", "presence.signals",
                "presence.events", "user.events", "notification.events").stream()
                .map(name -> new NewTopic(name, partitions, (short) 1)).toList();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) throw e;
                }
            }
        }
    }
}
