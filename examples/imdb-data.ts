/**
 * The IMDB data pipeline of the Keras text-classification tutorial, line by line:
 *   (x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(num_words=500)
 *   x_train, x_val, y_train, y_val = train_test_split(x_train, y_train, test_size=0.2, random_state=42)
 *   x_train = keras.utils.pad_sequences(x_train, maxlen=100)
 * Tensile gives the very same arrays, number for number.
 *
 * Run: npx tsx examples/imdb-data.ts
 * Data: TENSILE_DATA_DIR (e.g. ../shared/data), else ~/.tensile/datasets, else downloaded.
 */
import { datasets, padSequences, trainTestSplit } from '../src/index.js';

const maxFeatures = 500; // only the 500 most frequent words (minus the 3 reserved values)
const maxlen = 100; // cut reviews after 100 words

const [[xTrainAll, yTrainAll], [xTest, yTest]] = await datasets.imdb.loadData({ numWords: maxFeatures });
console.log(`${xTrainAll.length} train sequences`);
console.log(`${xTest.length} test sequences`);

const [xTrain, xVal, yTrain, yVal] = trainTestSplit(xTrainAll, yTrainAll, { testSize: 0.2, randomState: 42 });
console.log(`${xTrain.length} training and ${xVal.length} validation sequences after the split`);

const mean = (xs: number[][]) => xs.reduce((s, x) => s + x.length, 0) / xs.length;
console.log(`average length: ${mean(xTrain).toFixed(1)} (train), ${mean(xVal).toFixed(1)} (validation)`);

console.log('Pad sequences (samples x time)');
const xTrainPadded = padSequences(xTrain, { maxlen });
const xValPadded = padSequences(xVal, { maxlen });
const xTestPadded = padSequences(xTest, { maxlen });
console.log(`x_train shape: (${xTrainPadded.shape.join(', ')})`);
console.log(`x_val shape: (${xValPadded.shape.join(', ')})`);
console.log(`x_test shape: (${xTestPadded.shape.join(', ')})`);
console.log(
  `y_train shape: (${yTrain.shape.join(', ')}), y_val shape: (${yVal.shape.join(', ')}), y_test shape: (${yTest.shape.join(', ')})`,
);

const first = (xTrainPadded.toArray() as number[][])[0]!;
console.log(`first padded training review (label ${yTrain.dataSync()[0]}):`);
console.log(`[${first.join(', ')}]`);
console.log(`decoded: ${await datasets.imdb.decode(first.filter((v) => v !== 0))}`);
