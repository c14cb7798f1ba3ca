package dev.breakglass.bot.sandbox.state;

import java.util.List;

/**
 * The demo workspace sandbox mode runs: four people, three groups, four channels. The built-in demo policy
 * refers to these ids.
 *
 * <pre>
 * U0ALICE  alice  on-call responder   member of S0ONCALL
 * U0BOB    bob    SRE lead            member of S0ONCALL, S0SRELEADS
 * U0CAROL  carol  security lead       member of S0SECURITY
 * U0DAVE   dave   manager             no group
 * channels C0APPROVALS, C0SECURITY, C0MGMT, C0GENERAL; team T0SANDBOX
 * </pre>
 */
public final class SandboxDirectory {
    public static final String ALICE = "U0ALICE";
    public static final String BOB = "U0BOB";
    public static final String CAROL = "U0CAROL";
    public static final String DAVE = "U0DAVE";

    public static final String ONCALL = "S0ONCALL";
    public static final String SRE_LEADS = "S0SRELEADS";
    public static final String SECURITY = "S0SECURITY";

    public static final String APPROVALS_CHANNEL = "C0APPROVALS";
    public static final String SECURITY_CHANNEL = "C0SECURITY";
    public static final String MGMT_CHANNEL = "C0MGMT";
    public static final String GENERAL_CHANNEL = "C0GENERAL";

    /** Team T0SANDBOX, domain {@code breakglass-sandbox}. */
    public static final Team TEAM = new Team("T0SANDBOX", "Breakglass Sandbox", "breakglass-sandbox");

    private static final Directory DIRECTORY = new Directory(
            List.of(
                    new Directory.User(ALICE, "alice", "Alice Anders", "alice@sandbox.example", "On-call responder", "Europe/Berlin", false),
                    new Directory.User(BOB, "bob", "Bob Brown", "bob@sandbox.example", "SRE lead", "America/New_York", false),
                    new Directory.User(CAROL, "carol", "Carol Chen", "carol@sandbox.example", "Security lead", "America/Los_Angeles", false),
                    new Directory.User(DAVE, "dave", "Dave Diaz", "dave@sandbox.example", "Engineering manager", "Europe/London", false)),
            List.of(
                    new Directory.UserGroup(ONCALL, "oncall", "On-call", List.of(ALICE, BOB)),
                    new Directory.UserGroup(SRE_LEADS, "sre-leads", "SRE leads", List.of(BOB)),
                    new Directory.UserGroup(SECURITY, "security", "Security", List.of(CAROL))),
            List.of(
                    new Directory.Channel(APPROVALS_CHANNEL, "breakglass-approvals"),
                    new Directory.Channel(SECURITY_CHANNEL, "security"),
                    new Directory.Channel(MGMT_CHANNEL, "mgmt"),
                    new Directory.Channel(GENERAL_CHANNEL, "general")));

    private SandboxDirectory() {
    }

    /** The demo users, groups and channels. */
    public static Directory directory() {
        return DIRECTORY;
    }
}
