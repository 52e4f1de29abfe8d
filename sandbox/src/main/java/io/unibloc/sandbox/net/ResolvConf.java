package io.unibloc.sandbox.net;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The DNS part of {@code /etc/resolv.conf} as kubelet writes it for a Pod ({@code nameserver}, {@code search}).
 *
 * @param nameservers server addresses in file order
 * @param search search domains in order (the last {@code search} line wins, as in the resolver)
 */
public record ResolvConf(List<String> nameservers, List<String> search) {

    public ResolvConf {
        nameservers = List.copyOf(nameservers);
        search = List.copyOf(search);
    }

    public static ResolvConf empty() {
        return new ResolvConf(List.of(), List.of());
    }

    /** Parses resolv.conf text; comments ({@code #}, {@code ;}) and other options are ignored. */
    public static ResolvConf parse(String text) {
        List<String> servers = new ArrayList<>();
        List<String> search = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            String[] words = line.split("\\s+");
            if (words[0].equals("nameserver") && words.length > 1) {
                servers.add(words[1]);
            } else if ((words[0].equals("search") || words[0].equals("domain")) && words.length > 1) {
                search = new ArrayList<>(Arrays.asList(words).subList(1, words.length));
            }
        }
        return new ResolvConf(servers, search);
    }

    /** The IPv4 servers, which are all the kernel-parameter syntaxes carry. */
    public List<String> ipv4Nameservers() {
        return nameservers.stream().filter(s -> !s.contains(":")).toList();
    }
}
