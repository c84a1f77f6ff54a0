import type { DataOptions } from './files.js';
import { type ImageData, idxFiles, loadIdxDataset } from './image-data.js';

// Digests of Zalando's original files (their MD5s match the Fashion-MNIST README), gzipped and not.
const IDX = idxFiles([
  [
    'train-images-idx3-ubyte',
    '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
    'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
  ],
  [
    'train-labels-idx1-ubyte',
    'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
    'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
  ],
  [
    't10k-images-idx3-ubyte',
    '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
    '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
  ],
  [
    't10k-labels-idx1-ubyte',
    '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
    '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
  ],
]);

/**
 * Loads Fashion-MNIST: 60,000 training and 10,000 test 28×28 grayscale images of 10 clothing classes
 * (0 T-shirt/top … 9 ankle boot), as uint8 tensors x [n, 28, 28] (0..255) and y [n], like Keras'.
 *
 * @example
 * import { datasets } from 'tensile';
 * const [[xTrain, yTrain], [xTest, yTest]] = await datasets.fashionMnist.loadData();
 * console.log(xTrain.shape, yTrain.shape); // [60000, 28, 28] [60000]
 */
export async function loadData(options: DataOptions = {}): Promise<ImageData> {
  return loadIdxDataset('fashion-mnist', IDX, options);
}
