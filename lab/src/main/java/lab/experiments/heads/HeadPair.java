package lab.experiments.heads;

import java.util.Comparator;

/** Two distinct attention heads, the earlier (by layer, then head) first: head a is [layerA, headA]. */
record HeadPair(int layerA, int headA, int layerB, int headB) {

    static final Comparator<HeadPair> ORDER = Comparator.comparingInt(HeadPair::layerA).thenComparingInt(HeadPair::headA)
            .thenComparingInt(HeadPair::layerB).thenComparingInt(HeadPair::headB);

    HeadPair {
        if (layerA > layerB || (layerA == layerB && headA >= headB)) {
            throw new IllegalArgumentException("a head pair holds two distinct heads, the earlier first: ["
                    + layerA + ", " + headA + ", " + layerB + ", " + headB + "]");
        }
    }

    /** The pair of two heads in either order; an error if they are the same head. */
    static HeadPair of(int layer1, int head1, int layer2, int head2) {
        if (layer1 == layer2 && head1 == head2) {
            throw new IllegalArgumentException("[" + layer1 + ", " + head1 + ", " + layer2 + ", " + head2
                    + "] pairs a head with itself; a pair needs two different heads");
        }
        boolean inOrder = layer1 < layer2 || (layer1 == layer2 && head1 < head2);
        return inOrder ? new HeadPair(layer1, head1, layer2, head2) : new HeadPair(layer2, head2, layer1, head1);
    }

    boolean withinLayer() {
        return layerA == layerB;
    }

    @Override
    public String toString() {
        return "[" + layerA + ", " + headA + ", " + layerB + ", " + headB + "]";
    }
}
