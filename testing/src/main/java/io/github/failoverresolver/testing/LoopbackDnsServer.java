package io.github.failoverresolver.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A small authoritative-and-recursive-looking DNS server for tests, speaking real UDP and TCP on
 * 127.0.0.1 with an ephemeral port (the same port for both). Zones and records are set by the test and
 * may change while it runs; fault modes make it drop, delay, SERVFAIL, REFUSE, truncate, answer with
 * the wrong message ID or with garbage. Every query is logged with the time of the given clock.
 * Thread-safe: the test thread changes data while the server threads answer.
 *
 * <p>Answers follow CNAME chains inside its own data, as a recursive resolver would, add the zone's
 * SOA to negative answers (RFC 2308), and set TC when a UDP answer exceeds 512 bytes (or the client's
 * EDNS payload size).
 */
public final class LoopbackDnsServer implements AutoCloseable {

  /** What the server does with a query instead of answering it properly. */
  public enum Fault {
    NONE,
    /** No response at all. */
    DROP,
    SERVFAIL,
    REFUSED,
    /** UDP answers carry TC and no records; TCP answers are whole. */
    TRUNCATE,
    /** The right answer under another message ID. */
    WRONG_ID,
    /** The right message ID followed by bytes that do not parse. */
    GARBAGE,
    /**
     * UDP answers carry TC; over TCP the server announces a 65,535-byte answer and then sends one byte every
     * 1.5 s (a slow drip that a per-read timeout never catches).
     */
    TCP_DRIP,
    /** The right answer, but with the NOTIFY opcode (not an answer to a query at all). */
    NOTIFY_OPCODE,
    /** FORMERR to any query carrying EDNS (an OPT record), as a pre-EDNS server answers; plain queries are answered. */
    FORMERR_ON_EDNS,
    /**
     * The right answer mangled at random from {@link #fuzzSeed(long)}: bytes flipped (the message ID kept
     * half of the time), cut short or padded with junk. For properties over hostile wire data.
     */
    MANGLE
  }

  /**
   * One query the server received, and what it answered: an rcode and the answer records' data
   * ({@code "NOERROR 127.0.0.5 127.0.0.6"}), {@code "DROP"}, {@code "GARBAGE"}, or {@code "TC"}.
   */
  public record Query(String name, String type, String transport, Instant at, String response) {}

  private static final int MAX_CHASE = 16;

  private final Clock clock;
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final Thread udpThread;
  private final Thread tcpThread;
  private final Set<Socket> connections = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Map<Name, Map<Integer, List<Record>>> data = new LinkedHashMap<>();
  private final Map<Name, SOARecord> zones = new LinkedHashMap<>();
  /** Appended by the serving threads, O(1) per query (a copy-on-write list made 20,000 queries quadratic). */
  private final java.util.Queue<Query> log = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private volatile Fault fault = Fault.NONE;
  private volatile Duration delay = Duration.ZERO;
  private volatile String heldType = "";
  private volatile CountDownLatch typeGate = new CountDownLatch(0);
  private volatile String edeText;
  private volatile java.util.Random mangler = new java.util.Random(0);
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private volatile boolean closed;

  private LoopbackDnsServer(Clock clock) throws IOException {
    this.clock = clock;
    DatagramSocket boundUdp = null;
    ServerSocket boundTcp = null;
    // UDP and TCP must share a port number; retry if another process holds the TCP side.
    for (int attempt = 0; attempt < 20 && boundTcp == null; attempt++) {
      boundUdp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try {
        boundTcp = new ServerSocket();
        boundTcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), boundUdp.getLocalPort()));
      } catch (IOException busy) {
        boundTcp = null;
        boundUdp.close();
      }
    }
    if (boundTcp == null) {
      throw new IOException("no loopback port free for both UDP and TCP");
    }
    this.udp = boundUdp;
    this.tcp = boundTcp;
    int port = udp.getLocalPort();
    udpThread = new Thread(this::serveUdp, "loopback-dns-udp-" + port);
    tcpThread = new Thread(this::serveTcp, "loopback-dns-tcp-" + port);
    udpThread.setDaemon(true);
    tcpThread.setDaemon(true);
    udpThread.start();
    tcpThread.start();
  }

  /** Starts a server whose query log uses the system clock. */
  public static LoopbackDnsServer start() {
    return start(Clock.systemUTC());
  }

  /** Starts a server whose query log is stamped by {@code clock} (a test's manual clock). */
  public static LoopbackDnsServer start(Clock clock) {
    try {
      return new LoopbackDnsServer(clock);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start loopback DNS server", e);
    }
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort());
  }

  public int port() {
    return udp.getLocalPort();
  }

  /** {@code 127.0.0.1:port}, the form the resolver's settings take. */
  public String hostAndPort() {
    return "127.0.0.1:" + port();
  }

  // ---- data -------------------------------------------------------------------------------

  /** Declares a zone: its SOA (with the given negative-caching minimum) goes into negative answers. */
  public LoopbackDnsServer zone(String zone, long soaTtl, long negativeTtl) {
    Name origin = name(zone);
    SOARecord soa = new SOARecord(origin, DClass.IN, soaTtl, name("ns1." + origin), name("hostmaster." + origin),
        1, 3600, 600, 86400, negativeTtl);
    synchronized (data) {
      zones.put(origin, soa);
    }
    return this;
  }

  /** Replaces the A records of {@code host}. */
  public LoopbackDnsServer a(String host, long ttl, String... addresses) {
    List<Record> rs = new ArrayList<>();
    for (String a : addresses) {
      rs.add(new ARecord(name(host), DClass.IN, ttl, literal(a)));
    }
    return put(name(host), Type.A, rs);
  }

  /** Replaces the AAAA records of {@code host}. */
  public LoopbackDnsServer aaaa(String host, long ttl, String... addresses) {
    List<Record> rs = new ArrayList<>();
    for (String a : addresses) {
      rs.add(new AAAARecord(name(host), DClass.IN, ttl, literal(a)));
    }
    return put(name(host), Type.AAAA, rs);
  }

  /** Replaces every record of {@code alias} with one CNAME to {@code target}. */
  public LoopbackDnsServer cname(String alias, long ttl, String target) {
    Name n = name(alias);
    synchronized (data) {
      data.remove(n);
    }
    return put(n, Type.CNAME, List.of(new CNAMERecord(n, DClass.IN, ttl, name(target))));
  }

  /** Adds one SRV record to {@code service}. */
  public LoopbackDnsServer srv(String service, long ttl, int priority, int weight, int port, String target) {
    Name n = name(service);
    synchronized (data) {
      List<Record> rs = new ArrayList<>(data.getOrDefault(n, Map.of()).getOrDefault(Type.SRV, List.of()));
      rs.add(new SRVRecord(n, DClass.IN, ttl, priority, weight, port, name(target)));
      return put(n, Type.SRV, rs);
    }
  }

  /** Replaces the NS records of {@code zone}. */
  public LoopbackDnsServer ns(String zone, long ttl, String... nameServers) {
    List<Record> rs = new ArrayList<>();
    for (String n : nameServers) {
      rs.add(new org.xbill.DNS.NSRecord(name(zone), DClass.IN, ttl, name(n)));
    }
    return put(name(zone), Type.NS, rs);
  }

  /** Removes every record of {@code host}: it answers NXDOMAIN from now on. */
  public LoopbackDnsServer remove(String host) {
    synchronized (data) {
      data.remove(name(host));
    }
    return this;
  }

  /** Removes the records of one type: the name answers NODATA for it if it has others. */
  public LoopbackDnsServer remove(String host, int type) {
    synchronized (data) {
      Map<Integer, List<Record>> byType = data.get(name(host));
      if (byType != null) {
        byType.remove(type);
      }
    }
    return this;
  }

  private LoopbackDnsServer put(Name n, int type, List<Record> records) {
    synchronized (data) {
      data.computeIfAbsent(n, k -> new LinkedHashMap<>()).put(type, List.copyOf(records));
    }
    return this;
  }

  // ---- faults ---------------------------------------------------------------------------------

  public LoopbackDnsServer fault(Fault mode) {
    this.fault = Objects.requireNonNull(mode);
    return this;
  }

  /**
   * SERVFAIL and REFUSED answers carry an RFC 8914 extended error with this text (null: none); a hostile
   * server's text may hold newlines or terminal escapes.
   */
  public LoopbackDnsServer extendedErrorText(String text) {
    this.edeText = text;
    return this;
  }

  /** The seed of {@link Fault#MANGLE}; each answer draws from it in turn. */
  public LoopbackDnsServer fuzzSeed(long seed) {
    this.mangler = new java.util.Random(seed);
    return this;
  }

  private static byte[] mangle(byte[] wire, java.util.Random r) {
    byte[] out = wire.clone();
    int flips = 1 + r.nextInt(6);
    boolean keepId = r.nextBoolean();
    for (int i = 0; i < flips && out.length > 0; i++) {
      int at = r.nextInt(out.length);
      if (keepId && at < 2) {
        continue;
      }
      out[at] = (byte) r.nextInt(256);
    }
    switch (r.nextInt(3)) {
      case 0:
        return java.util.Arrays.copyOf(out, r.nextInt(out.length + 1)); // cut short
      case 1: {
        byte[] longer = java.util.Arrays.copyOf(out, out.length + 1 + r.nextInt(64)); // junk after it
        for (int i = out.length; i < longer.length; i++) {
          longer[i] = (byte) r.nextInt(256);
        }
        return longer;
      }
      default:
        return out;
    }
  }

  /** Every answer waits this long first (on UDP this holds up later queries too, as a slow server would). */
  public LoopbackDnsServer delay(Duration d) {
    this.delay = d;
    return this;
  }

  /** Holds every answer until {@link #resume()}; queries are still logged as they arrive. */
  public LoopbackDnsServer pause() {
    this.gate = new CountDownLatch(1);
    return this;
  }

  public LoopbackDnsServer resume() {
    this.gate.countDown();
    this.typeGate.countDown();
    return this;
  }

  /**
   * Holds the answers to queries of one record type ({@code "AAAA"}) until {@link #resume()}; others are
   * answered (over UDP, one held answer holds up later queries too, as a slow server would).
   */
  public LoopbackDnsServer holdAnswers(String type) {
    this.typeGate = new CountDownLatch(1);
    this.heldType = type;
    return this;
  }

  // ---- query log ------------------------------------------------------------------------------

  public List<Query> queries() {
    return List.copyOf(log);
  }

  /** Queries received for {@code host} (any type, any transport). */
  public long queryCount(String host) {
    String n = name(host).toString();
    return log.stream().filter(q -> q.name().equalsIgnoreCase(n)).count();
  }

  public long queryCount(String host, String transport) {
    String n = name(host).toString();
    return log.stream().filter(q -> q.name().equalsIgnoreCase(n) && q.transport().equals(transport)).count();
  }

  public void clearLog() {
    log.clear();
  }

  /** Waits (in real time, bounded) until at least {@code n} queries have arrived; for concurrency tests. */
  public boolean awaitQueries(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (log.size() < n) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(1);
    }
    return true;
  }

  @Override
  public void close() {
    closed = true;
    gate.countDown();
    udp.close();
    try {
      tcp.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : connections) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    try {
      udpThread.join(2000);
      tcpThread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- serving --------------------------------------------------------------------------------

  private void serveUdp() {
    byte[] buffer = new byte[65535];
    while (!closed) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        udp.receive(packet);
        byte[] in = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
        Optional<byte[]> out = handle(in, "udp");
        if (out.isPresent()) {
          udp.send(new DatagramPacket(out.get(), out.get().length, packet.getSocketAddress()));
        }
      } catch (SocketException e) {
        return; // closed
      } catch (IOException | RuntimeException e) {
        // a bad packet must not stop the server
      }
    }
  }

  private void serveTcp() {
    while (!closed) {
      try {
        Socket s = tcp.accept();
        connections.add(s);
        Thread t = new Thread(() -> serveConnection(s), "loopback-dns-tcp-conn-" + port());
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serveConnection(Socket s) {
    try (s;
        DataInputStream in = new DataInputStream(s.getInputStream());
        DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
      while (!closed) {
        int length = in.readUnsignedShort();
        byte[] query = new byte[length];
        in.readFully(query);
        if (fault == Fault.TCP_DRIP) {
          Record q = new Message(query).getQuestion();
          log.add(new Query(q.getName().toString(), Type.string(q.getType()), "tcp", clock.instant(), "DRIP"));
          out.writeShort(65535);
          for (int i = 0; i < 40 && !closed; i++) { // bounded: at most a minute
            out.write(query[i % 2]);
            out.flush();
            Thread.sleep(1_500);
          }
          return;
        }
        Optional<byte[]> answer = handle(query, "tcp");
        if (answer.isPresent()) {
          out.writeShort(answer.get().length);
          out.write(answer.get());
          out.flush();
        }
      }
    } catch (EOFException | SocketException done) {
      // client closed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      // drop the connection
    } finally {
      connections.remove(s);
    }
  }

  private Optional<byte[]> handle(byte[] wire, String transport) throws IOException {
    Message query = new Message(wire);
    Record question = query.getQuestion();
    Instant arrived = clock.instant();
    Fault mode = fault;
    Optional<byte[]> out = respond(query, transport, mode);
    log.add(new Query(question.getName().toString(), Type.string(question.getType()), transport, arrived,
        summary(mode, out)));
    try {
      gate.await(60, TimeUnit.SECONDS);
      if (Type.string(question.getType()).equals(heldType)) {
        typeGate.await(60, TimeUnit.SECONDS);
      }
      if (!delay.isZero()) {
        Thread.sleep(delay.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
    return out;
  }

  private static final int LOGGED_RECORDS = 16;

  private static String summary(Fault mode, Optional<byte[]> out) {
    if (out.isEmpty()) {
      return "DROP";
    }
    if (mode == Fault.GARBAGE) {
      return "GARBAGE";
    }
    try {
      Message m = new Message(out.get());
      if (m.getHeader().getFlag(Flags.TC)) {
        return "TC";
      }
      StringBuilder sb = new StringBuilder(Rcode.string(m.getRcode()));
      List<Record> answer = m.getSection(Section.ANSWER);
      // the log keeps a summary, not the answer: a huge RRset would make the log the biggest thing in a test
      for (Record r : answer.subList(0, Math.min(answer.size(), LOGGED_RECORDS))) {
        sb.append(' ').append(r.rdataToString());
      }
      if (answer.size() > LOGGED_RECORDS) {
        sb.append(" ... (").append(answer.size()).append(" records)");
      }
      return sb.toString();
    } catch (IOException e) {
      return "UNPARSABLE";
    }
  }

  private Optional<byte[]> respond(Message query, String transport, Fault mode) {
    int id = query.getHeader().getID();
    if (mode == Fault.FORMERR_ON_EDNS && query.getOPT() != null) {
      Message r = reply(query);
      r.getHeader().setRcode(Rcode.FORMERR);
      return Optional.of(r.toWire());
    }
    switch (mode) {
      case DROP:
        return Optional.empty();
      case SERVFAIL:
      case REFUSED: {
        Message r = reply(query);
        r.getHeader().setRcode(mode == Fault.SERVFAIL ? Rcode.SERVFAIL : Rcode.REFUSED);
        String text = edeText;
        if (text != null) {
          r.addRecord(new org.xbill.DNS.OPTRecord(1232, 0, 0, 0, java.util.List.of(
              new org.xbill.DNS.ExtendedErrorCodeOption(org.xbill.DNS.ExtendedErrorCodeOption.OTHER, text))),
              Section.ADDITIONAL);
        }
        return Optional.of(r.toWire());
      }
      case GARBAGE: {
        byte[] junk = new byte[40];
        new java.util.Random(id).nextBytes(junk);
        junk[0] = (byte) (id >>> 8);
        junk[1] = (byte) id;
        junk[2] = (byte) 0x80; // QR set, so it looks like a response until parsed
        junk[4] = (byte) 0xff; // absurd section counts
        junk[5] = (byte) 0xff;
        return Optional.of(junk);
      }
      default:
        break;
    }
    Message answer = answer(query);
    if (mode == Fault.WRONG_ID) {
      answer.getHeader().setID((id + 1) & 0xffff);
    }
    if (mode == Fault.NOTIFY_OPCODE) {
      answer.getHeader().setOpcode(org.xbill.DNS.Opcode.NOTIFY);
    }
    if (mode == Fault.MANGLE) {
      java.util.Random r = mangler;
      synchronized (r) {
        return Optional.of(mangle(transport.equals("udp") ? answer.toWire(512) : answer.toWire(), r));
      }
    }
    if (transport.equals("udp")) {
      if (mode == Fault.TRUNCATE || mode == Fault.TCP_DRIP) {
        Message tc = reply(query);
        tc.getHeader().setFlag(Flags.TC);
        return Optional.of(tc.toWire());
      }
      OPTRecord opt = query.getOPT();
      int max = opt == null ? 512 : Math.max(512, opt.getPayloadSize());
      return Optional.of(answer.toWire(max));
    }
    return Optional.of(answer.toWire());
  }

  private static Message reply(Message query) {
    Message r = new Message(query.getHeader().getID());
    r.getHeader().setFlag(Flags.QR);
    r.getHeader().setFlag(Flags.RA);
    if (query.getHeader().getFlag(Flags.RD)) {
      r.getHeader().setFlag(Flags.RD);
    }
    r.addRecord(query.getQuestion(), Section.QUESTION);
    return r;
  }

  private Message answer(Message query) {
    Message r = reply(query);
    r.getHeader().setFlag(Flags.AA);
    Record question = query.getQuestion();
    int type = question.getType();
    Name current = question.getName();
    Set<Name> seen = new HashSet<>();
    synchronized (data) {
      for (int hops = 0; hops < MAX_CHASE; hops++) {
        Map<Integer, List<Record>> byType = data.get(current);
        if (byType == null) {
          byType = wildcard(current);
        }
        if (byType == null) {
          negative(r, current, Rcode.NXDOMAIN);
          return r;
        }
        List<Record> wanted = byType.get(type);
        if (wanted != null && !wanted.isEmpty()) {
          wanted.forEach(rec -> r.addRecord(rec, Section.ANSWER));
          return r;
        }
        List<Record> alias = byType.get(Type.CNAME);
        if (alias == null || alias.isEmpty() || type == Type.CNAME) {
          negative(r, current, Rcode.NOERROR);
          return r;
        }
        CNAMERecord cname = (CNAMERecord) alias.get(0);
        r.addRecord(cname, Section.ANSWER);
        if (!seen.add(current)) {
          return r; // a loop: hand the client the chain so far, as real servers do
        }
        current = cname.getTarget();
        if (!inOwnZone(current)) {
          // outside our zones (or no zones declared): answer with the chain so far, as an
          // authoritative server does, and let the client ask for the target
          return r;
        }
      }
    }
    return r;
  }

  /**
   * RFC 4592's wildcard, simplified: a name with no data of its own is answered from {@code *.parent} (the
   * nearest enclosing wildcard), with the records' owner rewritten to the name asked for. Lets a test
   * serve many names (say, thousands of names of 4,000 records each) without storing each one.
   */
  private static final Name WILDCARD = Name.fromConstantString("*");

  private Map<Integer, List<Record>> wildcard(Name asked) {
    for (int strip = 1; strip < asked.labels(); strip++) {
      Name parent = new Name(asked, strip);
      Map<Integer, List<Record>> byType;
      try {
        byType = data.get(Name.concatenate(WILDCARD, parent));
      } catch (org.xbill.DNS.NameTooLongException tooLong) {
        continue;
      }
      if (byType != null) {
        Map<Integer, List<Record>> rewritten = new java.util.HashMap<>();
        byType.forEach((t, rs) -> rewritten.put(t, rs.stream().map(rec -> rec.withName(asked)).toList()));
        return rewritten;
      }
      if (data.containsKey(parent)) {
        return null; // an existing name closer than any wildcard stops the search
      }
    }
    return null;
  }

  private boolean inOwnZone(Name n) {
    return zones.keySet().stream().anyMatch(n::subdomain);
  }

  private void negative(Message r, Name n, int rcode) {
    r.getHeader().setRcode(rcode);
    zones.entrySet().stream()
        .filter(z -> n.subdomain(z.getKey()))
        .max(java.util.Comparator.comparingInt(z -> z.getKey().labels()))
        .ifPresent(z -> r.addRecord(z.getValue(), Section.AUTHORITY));
  }

  private static Name name(String s) {
    try {
      return Name.fromString(s.endsWith(".") ? s : s + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException("bad DNS name: " + s, e);
    }
  }

  private static InetAddress literal(String ip) {
    try {
      // only literals: never a lookup
      byte[] raw = org.xbill.DNS.Address.toByteArray(ip, ip.contains(":") ? org.xbill.DNS.Address.IPv6 : org.xbill.DNS.Address.IPv4);
      if (raw == null) {
        throw new IllegalArgumentException("not an IP literal: " + ip);
      }
      return InetAddress.getByAddress(raw);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("not an IP literal: " + ip, e);
    }
  }
}
