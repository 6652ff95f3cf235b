// The example images the build wrote (build/examples.ts): examples/index.json lists them by dataset, and the
// page offers the set of the dataset the model's contract names. A build without them (or offline) offers none.

export interface ExampleSet {
  title: string;
  images: { file: string; label: string; url: string }[];
}

function isExampleSet(value: unknown): value is { title: string; images: { file: string; label: string }[] } {
  const set = value as ExampleSet;
  return typeof set?.title === 'string' && Array.isArray(set.images)
    && set.images.every((image) => typeof image?.file === 'string' && typeof image.label === 'string' && !image.file.includes('..'));
}

let index: Promise<Map<string, ExampleSet>> | undefined;

/** The example sets by dataset name; empty when the build has none or they cannot be fetched. */
function exampleSets(): Promise<Map<string, ExampleSet>> {
  index ??= (async () => {
    const base = new URL(`${import.meta.env.BASE_URL}${EXAMPLES_DIR}/`, location.href);
    try {
      const response = await fetch(new URL('index.json', base));
      if (!response.ok) return new Map();
      const sets = Object.entries((await response.json()) as Record<string, unknown>).filter((entry): entry is [string, { title: string; images: { file: string; label: string }[] }] => isExampleSet(entry[1]));
      return new Map(sets.map(([dataset, set]) => [dataset, { title: set.title, images: set.images.map((image) => ({ ...image, url: new URL(image.file, base).href })) }]));
    } catch {
      return new Map();
    }
  })();
  return index;
}

export async function examplesFor(dataset: string | undefined): Promise<ExampleSet | undefined> {
  return dataset === undefined ? undefined : (await exampleSets()).get(dataset);
}
