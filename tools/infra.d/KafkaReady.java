// Readiness probe for tools/infra: asks the broker for its cluster description through the
// Kafka Admin API (a real request, not a port probe) and retries until the broker answers
// with itself registered, or the deadline passes.
//
//   java -cp "<kafka libs>/*:<classes>" KafkaReady <bootstrap> <timeoutSeconds>
//
// Prints one line "cluster=<id> brokers=<n> controller=<id>" and exits 0 when ready; exits 1
// with the last error otherwise.
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;

public final class KafkaReady {
  public static void main(String[] args) throws InterruptedException {
    String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:9092";
    long timeoutMs = TimeUnit.SECONDS.toMillis(args.length > 1 ? Long.parseLong(args[1]) : 60);
    long deadline = System.currentTimeMillis() + timeoutMs;

    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "continuum-infra-probe");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");

    String lastError = "no answer";
    try (Admin admin = Admin.create(props)) {
      while (System.currentTimeMillis() < deadline) {
        try {
          DescribeClusterResult cluster =
              admin.describeCluster(new DescribeClusterOptions().timeoutMs(5000));
          int brokers = cluster.nodes().get(5, TimeUnit.SECONDS).size();
          String clusterId = cluster.clusterId().get(5, TimeUnit.SECONDS);
          int controller = cluster.controller().get(5, TimeUnit.SECONDS).id();
          if (brokers > 0) {
            System.out.println("cluster=" + clusterId + " brokers=" + brokers + " controller=" + controller);
            return;
          }
          lastError = "no broker registered yet";
        } catch (Exception e) {
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          lastError = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        }
        Thread.sleep(250);
      }
    }
    System.err.println("Kafka at " + bootstrap + " not ready: " + lastError);
    System.exit(1);
  }
}
